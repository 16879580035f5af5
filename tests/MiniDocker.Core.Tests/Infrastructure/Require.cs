namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// Checks a test's requirements. Under CI=true a missing requirement fails the test with a clear
/// message; elsewhere the test is skipped with the reason.
/// </summary>
public static class Require
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Root()
    {
        if (Tmds.Linux.LibC.geteuid() != 0)
            Missing("root: containers need CAP_SYS_ADMIN to create namespaces and mounts; run the tests as root");
    }

    public static string Busybox() =>
        Testing.BusyboxRootfs.FindBusybox() ?? Missing("a statically linked busybox: install it with 'apt-get install busybox-static' (the README's test command does)");

    /// <summary>A program on PATH, from the Debian package that provides it.</summary>
    public static string Tool(string name, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        return path ?? Missing($"the program '{name}': install it with 'apt-get install {package}' (the README's test command does)");
    }

    private static string Missing(string what)
    {
        if (InCi) Assert.Fail($"Required under CI=true but missing: {what}.");
        Assert.Skip($"Missing {what}.");
        return "";
    }
}
