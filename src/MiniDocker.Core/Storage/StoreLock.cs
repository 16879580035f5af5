using MiniDocker.Interop;

namespace MiniDocker.Storage;

/// <summary>
/// An advisory lock (flock) on a file in a store, shared by engines in one process or many.
/// Readers and pulls hold it shared; what deletes or rewrites the index holds it exclusive. The
/// kernel drops it when the holder dies, so a crash never leaves the store locked.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;
    private readonly SafeFd _file;

    private StoreLock(SafeFd file) => _file = file;

    public static Task<StoreLock> SharedAsync(string path, CancellationToken cancellationToken) => TakeAsync(path, LOCK_SH, cancellationToken);

    public static Task<StoreLock> ExclusiveAsync(string path, CancellationToken cancellationToken) => TakeAsync(path, LOCK_EX, cancellationToken);

    private static async Task<StoreLock> TakeAsync(string path, int operation, CancellationToken cancellationToken)
    {
        // Opened with open(2), not File.OpenHandle: .NET takes flock locks of its own on the files it opens.
        var file = Open(path);
        try
        {
            // flock would block a thread; polling without blocking lets the wait be cancelled.
            while (FileCalls.Lock(file, operation | LOCK_NB) != 0)
            {
                if (Errno.Last is not (Errno.EAGAIN or Errno.EINTR)) throw Errno.Exception($"flock({path})");
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            return new StoreLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static unsafe SafeFd Open(string path)
    {
        fixed (byte* p = System.Text.Encoding.UTF8.GetBytes(path + "\0"))
            return SafeFd.FromResult(Libc.Open(p, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_CREAT | Tmds.Linux.LibC.O_CLOEXEC, 0x1a4), $"open({path})");
    }

    public void Dispose() => _file.Dispose();
}
