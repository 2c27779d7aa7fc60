#if canImport(Glibc)
import Glibc
#endif
import SwiftGymCLI

exit(await GymCLI.main(Array(CommandLine.arguments.dropFirst())))
