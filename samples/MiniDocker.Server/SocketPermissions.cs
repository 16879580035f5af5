namespace MiniDocker.Server;

/// <summary>The socket is the API's only door: read and write for its owner and group, nothing for others.</summary>
internal static class SocketPermissions
{
    public static void Apply(string socket, string? group)
    {
        File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        if (group is null) return;
        var line = File.ReadLines("/etc/group").FirstOrDefault(l => l.Split(':')[0] == group)
            ?? throw new ArgumentException($"The group \"{group}\" does not exist.");
        int gid = int.Parse(line.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);
        var path = System.Text.Encoding.UTF8.GetBytes(socket + "\0");
        unsafe
        {
            fixed (byte* p = path)
            {
                if (Tmds.Linux.LibC.chown(p, 0xFFFFFFFF, (uint)gid) != 0) throw new IOException($"chown of {socket} to group {group} failed.");
            }
        }
    }
}
