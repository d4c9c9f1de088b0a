namespace Regularize.Serialization;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same folder, is flushed
/// to disk, and is then renamed over the target. A reader sees the old file or the new one, never a mix,
/// and a failure or crash while writing leaves the old file as it was.
/// </summary>
/// <remarks>
/// On an exception the temporary file (named <c>.{name}.{random}.tmp</c>) is deleted. After a crash it may
/// remain beside the target; it is never mistaken for the target. The rename is atomic on file systems that
/// make a same-folder rename atomic (all common local ones); the folder entry itself is not flushed, so after
/// a power loss the rename may be lost, in which case the old file is still whole.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes a file atomically.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the content to the stream it is given; it must not close the stream.</param>
    /// <exception cref="IOException">The temporary file cannot be written or renamed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} names no file.", nameof(path));
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes bytes to a file atomically.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="bytes">The new content.</param>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
