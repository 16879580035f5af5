using System.Text;
using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Containers;

/// <summary>Opens the files a container's stdio is connected to.</summary>
internal static unsafe class OutputFile
{
    /// <summary>A log file opened for appending; the container writes to it directly, with no pump in the host.</summary>
    public static SafeFd Open(string path) => OpenPath(path, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC);

    public static SafeFd OpenNull() => OpenPath("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC);

    private static SafeFd OpenPath(string path, int flags)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return SafeFd.FromResult(Libc.Open(p, flags, 0x1a0 /* 0640 */), $"open(\"{path}\")");
    }
}
