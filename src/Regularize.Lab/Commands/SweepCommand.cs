using System.CommandLine;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Commands;

internal static class SweepCommand
{
    public static Command Build(LabConsole console) => new("sweep", "Not available yet.");
}
