import NeMoGym

print("json-bench: not implemented yet")
