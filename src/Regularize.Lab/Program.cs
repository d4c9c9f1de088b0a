using Regularize.Lab.Cli;

namespace Regularize.Lab;

internal static class Program
{
    private static int Main(string[] args) => LabApp.Run(args, LabConsole.ForTerminal());
}
