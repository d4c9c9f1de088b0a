namespace Regularize.Lab;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("regularize lab");
        return 0;
    }
}
