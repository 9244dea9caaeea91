print("qbo-sandbox: not built yet")
