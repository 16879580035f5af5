using System.Diagnostics;

namespace MiniDocker.Testing;

/// <summary>
/// A minimal root filesystem made from the host's static busybox: /bin/busybox with a link
/// per applet, /etc/passwd, /etc/group and /etc/nsswitch.conf, and the usual empty directories.
/// </summary>
public sealed class BusyboxRootfs : IDisposable
{
    public static readonly string[] BusyboxCandidates = ["/bin/busybox", "/usr/bin/busybox"];

    private BusyboxRootfs(string path) => Path = path;

    /// <summary>The absolute path of the root filesystem.</summary>
    public string Path { get; }

    /// <summary>The host's busybox if it is statically linked (a dynamic one cannot run in a rootfs without its libraries).</summary>
    public static string? FindBusybox() => BusyboxCandidates.FirstOrDefault(path => File.Exists(path) && IsStatic(path));

    // A dynamically linked ELF names its loader (PT_INTERP); a static one does not.
    private static bool IsStatic(string path) =>
        !System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path)).Contains("/ld-linux", StringComparison.Ordinal);

    /// <summary>Builds a new rootfs under <paramref name="parent"/>.</summary>
    public static BusyboxRootfs Create(string parent)
    {
        var busybox = FindBusybox() ?? throw new InvalidOperationException("A statically linked busybox is not installed (apt-get install busybox-static).");
        var root = System.IO.Path.Combine(parent, "rootfs-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var dir in new[] { "bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root", "home", "usr/bin", "var", "work" })
            Directory.CreateDirectory(System.IO.Path.Combine(root, dir));
        File.Copy(busybox, System.IO.Path.Combine(root, "bin", "busybox"));
        File.SetUnixFileMode(System.IO.Path.Combine(root, "tmp"), (UnixFileMode)Convert.ToInt32("1777", 8));
        foreach (var applet in Applets(busybox))
        {
            var link = System.IO.Path.Combine(root, "bin", applet);
            if (!File.Exists(link)) File.CreateSymbolicLink(link, "busybox");
        }
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nuser:x:1000:1000:user:/home:/bin/sh\n");
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "group"), "root:x:0:\ntty:x:5:\nnogroup:x:65534:\nuser:x:1000:\n");
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "busybox-rootfs"), "this is the container's /etc\n");
        // As images have it: names from /etc/hosts first. Without it glibc asks DNS first, and a
        // resolver that answers "no such name" hides the network's other containers.
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "nsswitch.conf"), "hosts: files dns\n");
        return new BusyboxRootfs(root);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }

    private static string[] Applets(string busybox)
    {
        using var process = Process.Start(new ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
