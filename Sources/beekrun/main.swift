print("beekrun")
