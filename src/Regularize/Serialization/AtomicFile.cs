namespace Regularize.Serialization;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same folder, is flushed
/// to disk, and is then renamed over the target. A reader sees the old file or the new one, never a mix,
/// and a failure or crash while writing leaves the old file as it was.
/// </summary>
/// <remarks>
/// <para>The temporary file is named <c>.{name}.{32 hex digits}.tmp</c>. On an exception it is deleted. After a
/// crash it remains beside the target, never mistaken for it, and the next save of the same target removes it
/// (see <see cref="RemoveStaleTemporaries"/>).</para>
/// <para>The rename is atomic on file systems that make a same-folder rename atomic (all common local ones); the
/// folder entry itself is not flushed, so after a power loss the rename may be lost, in which case the old file is
/// still whole.</para>
/// <para>Errors name the path the caller gave, not the temporary file.</para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>
    /// How long a temporary file must have gone unwritten before a later save may remove it. A save in progress
    /// holds its temporary file open with an exclusive lock and keeps writing to it; the age is a second guard for
    /// file systems without locks.
    /// </summary>
    public static readonly TimeSpan StaleAge = TimeSpan.FromMinutes(1);

    private const int TempIdLength = 32;

    /// <summary>Writes a file atomically, after removing stale temporary files of the same target.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the content to the stream it is given; it must not close the stream.</param>
    /// <exception cref="IOException">The temporary file cannot be written or renamed (the message names
    /// <paramref name="path"/>); <see cref="DirectoryNotFoundException"/> when the folder does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target may not be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} names no file.", nameof(path));
        string temp = Path.Combine(folder, TempName(Path.GetFileName(full), Guid.NewGuid().ToString("N")));
        RemoveStaleTemporaries(full);
        bool inCallback = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                inCallback = true;
                write(stream);
                inCallback = false;
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException
            && (!inCallback || e.Message.Contains(temp, StringComparison.Ordinal)))
        {
            // Our own file operations (and the stream's, inside the callback) name the temporary file; say the caller's path.
            TryDelete(temp);
            throw Rename(e, path, folder, temp);
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

    /// <summary>
    /// Removes the temporary files that saves of <paramref name="path"/> killed mid-write left behind: only files
    /// named exactly as <see cref="Write"/> names that target's temporaries, unwritten for at least
    /// <see cref="StaleAge"/>, and not held open by a save in progress. Files it cannot remove are left; nothing is
    /// thrown. <see cref="Write"/> calls it before each save.
    /// </summary>
    /// <param name="path">The target file whose stale temporaries to remove.</param>
    /// <returns>The number of files removed.</returns>
    public static int RemoveStaleTemporaries(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        string name = Path.GetFileName(full);
        if (folder is null || name.Length == 0) return 0;
        int removed = 0;
        try
        {
            // A leading dot counts as hidden, which enumeration skips by default.
            var options = new EnumerationOptions { MatchType = MatchType.Simple, AttributesToSkip = 0 };
            foreach (string candidate in Directory.EnumerateFiles(folder, TempName(name, "*"), options))
            {
                if (!IsTempOf(Path.GetFileName(candidate), name)) continue;
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < StaleAge) continue;
                try
                {
                    // A save in progress holds its temporary file with FileShare.None: this open then fails and the file is kept.
                    using var held = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                    File.Delete(candidate);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use, gone already, or not ours to delete: leave it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed; the save itself will report what is wrong.
        }
        return removed;
    }

    private static string TempName(string name, string id) => $".{name}.{id}.tmp";

    /// <summary>Whether <paramref name="file"/> is <c>.{name}.{32 lowercase hex digits}.tmp</c>, as <see cref="Write"/> names them.</summary>
    private static bool IsTempOf(string file, string name)
    {
        string prefix = "." + name + ".";
        if (file.Length != prefix.Length + TempIdLength + 4
            || !file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(".tmp", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (char c in file.AsSpan(prefix.Length, TempIdLength))
        {
            if (!char.IsAsciiHexDigitLower(c)) return false; // 0-9 and a-f, as Guid.ToString("N") writes
        }
        return true;
    }

    /// <summary>The same kind of exception, with a message that names the caller's path instead of the temporary file.</summary>
    private static Exception Rename(Exception e, string path, string folder, string temp)
    {
        string detail = e switch
        {
            DirectoryNotFoundException => $"the folder '{folder}' does not exist",
            UnauthorizedAccessException => $"access is denied (to the folder '{folder}' or the file itself)",
            _ => e.Message.Replace(temp, "its temporary file", StringComparison.Ordinal).TrimEnd('.', ' '),
        };
        string message = $"Cannot save '{path}': {detail}.";
        return e switch
        {
            DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
            UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
            _ => new IOException(message, e),
        };
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
