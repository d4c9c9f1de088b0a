using System.Runtime.InteropServices;
using Regularize.Lab.Cli;

namespace Regularize.Lab;

internal static class Program
{
    /// <summary>
    /// Runs the lab. The first Ctrl+C (SIGINT) or SIGTERM asks a training command to stop between two steps, so it can
    /// say where its checkpoints are; a second one ends the process at once.
    /// </summary>
    private static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested) return; // the second signal: the default action ends the process
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return LabApp.Run(args, LabConsole.ForTerminal(), stop.Token);
    }
}
