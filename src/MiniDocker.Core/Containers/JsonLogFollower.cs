using System.Runtime.CompilerServices;
using MiniDocker.Interop;

namespace MiniDocker.Containers;

/// <summary>
/// Reads a json-file log as it grows, across rotations (the open handle keeps reading the file
/// that was renamed away; then the new file is read from its start), until the writer is done.
/// </summary>
internal static class JsonLogFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <param name="path">The log's current file.</param>
    /// <param name="options">Which lines; <see cref="LogOptions.Tail"/> applies to what exists when following starts.</param>
    /// <param name="writerDone">Completes when nothing more will be written.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    public static async IAsyncEnumerable<LogLine> FollowAsync(string path, LogOptions options, Task writerDone, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var current = OpenCurrent(path);
        try
        {
            // What is there now: the rotated files, then the current one as far as it goes.
            var existing = new List<LogLine>();
            var pending = new List<byte>();
            foreach (var older in JsonLogFile.Files(path).Where(f => f != path))
                existing.AddRange(ReadFile(older));
            if (current is not null) Drain(current, pending, existing);
            foreach (var line in options.Select(existing)) yield return line;

            while (true)
            {
                bool done = writerDone.IsCompleted;
                var fresh = new List<LogLine>();
                if (current is null)
                {
                    current = OpenCurrent(path);
                }
                if (current is not null)
                {
                    Drain(current, pending, fresh);
                    // Rotated: the handle has read the old file to its end; go on with the new one.
                    if (FileCalls.InodeOf(path) is { } inode && inode != FileCalls.InodeOf(current.SafeFileHandle))
                    {
                        current.Dispose();
                        current = OpenCurrent(path);
                        pending.Clear();
                        if (current is not null) Drain(current, pending, fresh);
                    }
                }
                foreach (var line in fresh.Where(options.Includes)) yield return line;
                if (done && fresh.Count == 0) yield break;
                try
                {
                    await Task.WhenAny(Task.Delay(PollInterval, cancellationToken), writerDone).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                if (cancellationToken.IsCancellationRequested) yield break;
            }
        }
        finally
        {
            current?.Dispose();
        }
    }

    private static List<LogLine> ReadFile(string file)
    {
        var lines = new List<LogLine>();
        try
        {
            JsonLogFile.Parse(File.ReadAllBytes(file), lines, out _);
        }
        catch (FileNotFoundException)
        {
        }
        return lines;
    }

    private static FileStream? OpenCurrent(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads what was appended; complete lines go to <paramref name="into"/>, an unfinished one waits in <paramref name="pending"/>.</summary>
    private static void Drain(FileStream file, List<byte> pending, List<LogLine> into)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = file.Read(buffer)) > 0) pending.AddRange(buffer.AsSpan(0, read));
        if (pending.Count == 0) return;
        var bytes = pending.ToArray();
        JsonLogFile.Parse(bytes, into, out var consumed);
        pending.RemoveRange(0, consumed);
    }
}
