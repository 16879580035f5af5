using System.Text;
using MiniDocker.Interop;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>Reads a host device node's type and numbers, to recreate it in a container.</summary>
internal static class HostDevice
{
    public static unsafe DeviceSpec Of(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            throw new ContainerConfigurationException($"The device path \"{path}\" is relative; give the host device, such as /dev/fuse.");
        Tmds.Linux.stat st;
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        int result;
        fixed (byte* p = bytes)
            result = Tmds.Linux.LibC.stat(p, &st);
        if (result != 0)
            throw new ContainerConfigurationException($"The device {path} does not exist on the host ({Errno.Describe(Errno.Last)}).");
        var type = ((uint)st.st_mode & 0xF000) switch
        {
            0x2000 => "c",
            0x6000 => "b",
            _ => throw new ContainerConfigurationException($"{path} is not a character or block device."),
        };
        ulong dev = st.st_rdev;
        return new DeviceSpec
        {
            Path = path,
            Type = type,
            Major = (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)),
            Minor = (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff)),
            FileMode = (uint)st.st_mode & 0xFFF,
        };
    }
}
