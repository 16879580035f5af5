using System.Buffers;
using System.Text;

namespace MiniDocker.IO;

/// <summary>
/// Whole small files (cgroup, /proc and state files) read and written without the buffers a
/// FileStream and a StreamReader allocate: a container start touches dozens of them.
/// </summary>
internal static class SmallFile
{
    private const int StackBytes = 1024;

    /// <summary>The file's text (UTF-8).</summary>
    /// <exception cref="IOException">It cannot be read (FileNotFoundException when it is missing).</exception>
    public static string ReadAllText(string path)
    {
        using var handle = File.OpenHandle(path);
        Span<byte> stack = stackalloc byte[StackBytes];
        int read = Fill(handle, stack, 0);
        if (read < stack.Length) return Encoding.UTF8.GetString(stack[..read]);
        // Larger than the stack buffer (or a /proc file without a size): keep reading into a pooled one.
        var rented = ArrayPool<byte>.Shared.Rent(StackBytes * 4);
        try
        {
            stack.CopyTo(rented);
            int total = read;
            while (true)
            {
                if (total == rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(rented.Length * 2);
                    rented.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }
                int n = Fill(handle, rented.AsSpan(total), total);
                total += n;
                if (n == 0 || total < rented.Length) return Encoding.UTF8.GetString(rented, 0, total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Reads at increasing offsets (pread) until the span is full or the file ends; a file of
    // procfs or cgroupfs has no size to ask for first.
    private static int Fill(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
