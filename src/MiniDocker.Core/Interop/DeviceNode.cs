using System.Text;

namespace MiniDocker.Interop;

/// <summary>stat(2) of a device node: its file type, numbers and permission bits.</summary>
internal readonly record struct DeviceNode(uint FileType, uint Major, uint Minor, uint Permissions)
{
    public const uint CharacterDevice = 0x2000, BlockDevice = 0x6000;

    /// <summary>Stats <paramref name="path"/>; null when it does not exist, with the errno.</summary>
    public static unsafe DeviceNode? Stat(string path, out int errno)
    {
        Tmds.Linux.stat st;
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        int result;
        fixed (byte* p = bytes)
            result = Tmds.Linux.LibC.stat(p, &st);
        errno = result == 0 ? 0 : Errno.Last;
        if (result != 0) return null;
        ulong dev = st.st_rdev;
        // The glibc encoding of dev_t (gnu_dev_major / gnu_dev_minor).
        return new DeviceNode(
            (uint)st.st_mode & 0xF000,
            (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)),
            (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff)),
            (uint)st.st_mode & 0xFFF);
    }
}
