using System.CommandLine;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Commands;

internal static class LrFindCommand
{
    public static Command Build(LabConsole console) => new("lr-find", "Not available yet.");
}
