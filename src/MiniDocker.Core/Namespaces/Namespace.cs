using MiniDocker.Interop;

namespace MiniDocker.Namespaces;

/// <summary>
/// One namespace of a running process, identified as the kernel identifies it: by the
/// device and inode of its <c>/proc/&lt;pid&gt;/ns/&lt;type&gt;</c> file. Two processes
/// share a namespace exactly when these are equal.
/// </summary>
public sealed record Namespace(NamespaceType Type, ulong Device, ulong Inode)
{
    /// <summary>The namespace of <paramref name="type"/> that process <paramref name="pid"/> is in.</summary>
    /// <exception cref="LinuxSyscallException">The process does not exist or its namespace cannot be read.</exception>
    public static Namespace OfProcess(int pid, NamespaceType type) => OfPath(ProcPath(pid, type), type);

    /// <summary>The namespace of <paramref name="type"/> that the calling process is in.</summary>
    public static Namespace OfCurrentProcess(NamespaceType type) => OfPath($"/proc/self/ns/{type.ProcFileName()}", type);

    /// <summary>The namespace behind a namespace file (a <c>/proc/*/ns/*</c> file or a bind mount of one).</summary>
    public static unsafe Namespace OfPath(string path, NamespaceType type)
    {
        Tmds.Linux.stat st;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (Tmds.Linux.LibC.stat(p, &st) != 0)
                throw Errno.Exception($"stat(\"{path}\") for the {type} namespace");
        }
        return new Namespace(type, st.st_dev, st.st_ino);
    }

    /// <summary>The path of a process's namespace file.</summary>
    public static string ProcPath(int pid, NamespaceType type) => $"/proc/{pid}/ns/{type.ProcFileName()}";

    /// <inheritdoc />
    public override string ToString() => $"{Type.ProcFileName()}:[{Inode}]";
}
