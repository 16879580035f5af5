using System.Globalization;
using MiniDocker.Layers;

namespace MiniDocker.Images;

/// <summary>
/// Resolves a Docker user string (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>)
/// through the image's own <c>/etc/passwd</c> and <c>/etc/group</c>, as Docker does: a named
/// user must exist; a numeric one need not (its group is then 0); the user's supplementary
/// groups are the groups that list it.
/// </summary>
internal static class ImageUser
{
    public sealed record Resolved(uint Uid, uint Gid, IReadOnlyList<uint> Groups, string? Home);

    /// <param name="user">The user string.</param>
    /// <param name="rootsTopFirst">The image's layers, top first (or one rootfs directory).</param>
    /// <exception cref="ContainerConfigurationException">A name is not in the image's files.</exception>
    public static Resolved Resolve(string user, IReadOnlyList<string> rootsTopFirst)
    {
        var colon = user.IndexOf(':');
        var userPart = colon < 0 ? user : user[..colon];
        var groupPart = colon < 0 ? null : user[(colon + 1)..];
        var passwd = ReadFile(rootsTopFirst, "etc/passwd");
        var group = ReadFile(rootsTopFirst, "etc/group");

        var entry = Entries(passwd).FirstOrDefault(e => e.Length >= 6 && (e[0] == userPart || e[2] == userPart));
        uint uid, gid;
        string? name = null, home = null;
        if (entry is not null && uint.TryParse(entry[2], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            name = entry[0];
            home = entry[5];
            gid = uint.TryParse(entry[3], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : 0;
        }
        else if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            gid = 0;
        }
        else
        {
            throw new ContainerConfigurationException($"The user \"{userPart}\" is not in the image's /etc/passwd{(passwd is null ? " (the image has none)" : "")}. Give a numeric uid, or a user the image defines.");
        }

        if (!string.IsNullOrEmpty(groupPart))
        {
            var groupEntry = Entries(group).FirstOrDefault(e => e.Length >= 3 && (e[0] == groupPart || e[2] == groupPart));
            if (groupEntry is not null && uint.TryParse(groupEntry[2], NumberStyles.None, CultureInfo.InvariantCulture, out var g)) gid = g;
            else if (!uint.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out gid))
                throw new ContainerConfigurationException($"The group \"{groupPart}\" is not in the image's /etc/group. Give a numeric gid, or a group the image defines.");
        }

        var groups = name is null
            ? []
            : Entries(group).Where(e => e.Length >= 4 && e[3].Split(',').Contains(name))
                .Select(e => uint.TryParse(e[2], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : (uint?)null)
                .Where(g => g is not null && g != gid).Select(g => g!.Value).Distinct().ToList();
        return new Resolved(uid, gid, groups, home);
    }

    private static IEnumerable<string[]> Entries(string? file) =>
        file is null ? [] : file.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':'));

    /// <summary>The file as the container would see it: from the highest layer that has it, unless a whiteout hides it.</summary>
    private static string? ReadFile(IReadOnlyList<string> rootsTopFirst, string relative)
    {
        foreach (var root in rootsTopFirst)
        {
            if (!Directory.Exists(root)) continue;
            using var directory = RootedDirectory.Open(root);
            var (fd, errno) = directory.TryOpen(relative, Tmds.Linux.LibC.O_RDONLY | Interop.FileCalls.O_NOFOLLOW);
            if (fd is null)
            {
                // ENXIO: a device (the overlay whiteout) hides the file of the layers below.
                if (errno is Interop.Errno.ENXIO or Interop.Errno.EACCES) return null;
                continue;
            }
            using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: false), FileAccess.Read);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            fd.Dispose();
            return text;
        }
        return null;
    }
}
