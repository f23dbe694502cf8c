"""Low-code forms: fields as data (``FieldSpec``), one WTForms builder,
server-side validation with the plugins' validators."""
