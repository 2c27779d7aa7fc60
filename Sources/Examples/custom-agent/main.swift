import NeMoGym

print("custom-agent")
