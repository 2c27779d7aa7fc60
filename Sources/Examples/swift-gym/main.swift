#if canImport(Glibc)
import Glibc
#endif
import NeMoGym

exit(await GymCLI.main(Array(CommandLine.arguments.dropFirst())))
