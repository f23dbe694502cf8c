def load_demo(commune):
    pass
