using MiniDocker.Security.Interop;

namespace MiniDocker.Security.Lsm;

/// <summary>Which Linux security modules this host has active.</summary>
public static class LinuxSecurityModules
{
    /// <summary>Whether AppArmor confines processes on this host.</summary>
    public static bool AppArmorEnabled =>
        File.Exists("/sys/module/apparmor/parameters/enabled")
        && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y"
        && Directory.Exists("/proc/self/attr/apparmor");

    /// <summary>Whether SELinux is active on this host.</summary>
    public static bool SelinuxEnabled => File.Exists("/sys/fs/selinux/enforce");

    /// <summary>The Landlock ABI version of the running kernel, or 0 when Landlock is not available.</summary>
    public static int LandlockAbi => LandlockNative.AbiVersion();

    /// <summary>The rights the running kernel's Landlock knows.</summary>
    public static Landlock.LandlockAccess LandlockSupportedAccess => LandlockAbi switch
    {
        <= 0 => Landlock.LandlockAccess.None,
        1 => (Landlock.LandlockAccess)((1UL << 13) - 1),
        2 => (Landlock.LandlockAccess)((1UL << 14) - 1),
        3 or 4 => (Landlock.LandlockAccess)((1UL << 15) - 1),
        _ => (Landlock.LandlockAccess)((1UL << 16) - 1),
    };
}
