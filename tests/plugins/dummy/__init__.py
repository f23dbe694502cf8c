"""The dummy plugin: every hook of the contract, small and observable."""
