using System.CommandLine;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Commands;

internal static class CompareCommand
{
    public static Command Build(LabConsole console) => new("compare", "Not available yet.");
}
