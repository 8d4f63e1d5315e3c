print("giaingan")
