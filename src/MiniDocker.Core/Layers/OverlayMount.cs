using System.Text;
using MiniDocker.Interop;
using static MiniDocker.Interop.FileCalls;

namespace MiniDocker.Layers;

/// <summary>
/// An overlayfs made with the new mount API (fsopen, fsconfig, fsmount) as a detached tree: it
/// is attached nowhere in the host's mount table, and stage-0 moves it into the container's own
/// mount namespace, so the mount lives exactly as long as the container and cannot leak on the
/// host, even when the engine is killed.
/// </summary>
internal static unsafe class OverlayMount
{
    /// <summary>Whether this kernel has overlayfs (and lets this process use fsopen).</summary>
    public static bool IsAvailable => _available.Value;

    private static readonly Lazy<bool> _available = new(() =>
    {
        fixed (byte* type = "overlay\0"u8)
        {
            int fd = FsOpen(type, FSOPEN_CLOEXEC);
            if (fd < 0) return false;
            Tmds.Linux.LibC.close(fd);
            return true;
        }
    });

    /// <summary>Creates the overlay; <paramref name="lowerTopFirst"/> lists the layers from the top one down.</summary>
    /// <exception cref="LinuxSyscallException">The kernel refused the overlay (the message has its own explanation, from the fs context log).</exception>
    public static SafeFd Create(IReadOnlyList<string> lowerTopFirst, string upper, string work)
    {
        fixed (byte* type = "overlay\0"u8)
        {
            var context = SafeFd.FromResult(FsOpen(type, FSOPEN_CLOEXEC), "fsopen(\"overlay\")");
            using (context)
            {
                // lowerdir+ (Linux 6.8) takes one layer per call, with no page-size limit on the list.
                if (!lowerTopFirst.All(lower => TrySet(context, "lowerdir+", lower)))
                    Set(context, "lowerdir", string.Join(':', lowerTopFirst.Select(Escape)));
                Set(context, "upperdir", upper);
                Set(context, "workdir", work);
                if (FsConfig(context.Fd, FSCONFIG_CMD_CREATE, null, null, 0) != 0)
                    throw Errno.Exception($"creating the overlay of {lowerTopFirst.Count} layers{ReadLog(context)}");
                return SafeFd.FromResult(FsMount(context.Fd, FSMOUNT_CLOEXEC, 0), "fsmount(overlay)");
            }
        }
    }

    private static bool TrySet(SafeFd context, string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pk = k)
        fixed (byte* pv = v)
            return FsConfig(context.Fd, FSCONFIG_SET_STRING, pk, pv, 0) == 0;
    }

    private static void Set(SafeFd context, string key, string value)
    {
        if (!TrySet(context, key, value))
            throw Errno.Exception($"overlay option {key}={value}{ReadLog(context)}");
    }

    // ':' separates lower directories and ',' options; a backslash escapes either.
    private static string Escape(string path) => path.Replace("\\", "\\\\").Replace(":", "\\:").Replace(",", "\\,");

    /// <summary>The kernel explains a refused fsconfig in the context's message log.</summary>
    private static string ReadLog(SafeFd context)
    {
        var buffer = new byte[512];
        var text = new StringBuilder();
        fixed (byte* b = buffer)
        {
            nint read;
            while ((read = (nint)Tmds.Linux.LibC.read(context.Fd, b, buffer.Length)) > 0)
                text.Append(text.Length == 0 ? " (" : "; ").Append(Encoding.UTF8.GetString(buffer, 0, (int)read).TrimEnd('\n'));
        }
        return text.Length == 0 ? "" : text.Append(')').ToString();
    }
}
