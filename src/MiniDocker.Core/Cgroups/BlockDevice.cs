using System.Text;
using MiniDocker.Interop;

namespace MiniDocker.Cgroups;

/// <summary>The major:minor number of a block device, which is how cgroup files name it.</summary>
internal readonly record struct BlockDevice(uint Major, uint Minor)
{
    public override string ToString() => $"{Major}:{Minor}";

    /// <exception cref="ContainerConfigurationException">The path is not a block device on the host.</exception>
    public static unsafe BlockDevice Of(string path)
    {
        Tmds.Linux.stat st;
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        int result;
        fixed (byte* p = bytes)
            result = Tmds.Linux.LibC.stat(p, &st);
        if (result != 0)
            throw new ContainerConfigurationException($"The block device {path} does not exist on the host ({Errno.Describe(Errno.Last)}); give a device such as /dev/vda.");
        if (((uint)st.st_mode & 0xF000) != 0x6000)
            throw new ContainerConfigurationException($"{path} is not a block device; I/O limits apply to block devices such as /dev/vda.");
        ulong dev = st.st_rdev;
        uint major = (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
        uint minor = (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
        return new BlockDevice(major, minor);
    }
}
