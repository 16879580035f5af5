using System.Globalization;

namespace MiniDocker.UserNamespaces;

/// <summary>The id ranges a user may map into user namespaces, from /etc/subuid and /etc/subgid ("name:start:count").</summary>
public static class SubordinateIds
{
    /// <summary>
    /// This process's user's first range in <paramref name="file"/> (matched by name or uid), as a
    /// mapping of container ids from 0, or null when the user has none.
    /// </summary>
    public static IdMapping? ForCurrentUser(string file) =>
        Find(file, Environment.UserName, Tmds.Linux.LibC.geteuid());

    /// <summary>The first range of a user (by name or numeric id) in a subuid/subgid file.</summary>
    public static IdMapping? Find(string file, string userName, uint userId)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadAllLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length != 3 || line.StartsWith('#')) continue;
            if (fields[0] != userName && fields[0] != userId.ToString(CultureInfo.InvariantCulture)) continue;
            if (uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
                return new IdMapping(0, start, count);
        }
        return null;
    }
}
