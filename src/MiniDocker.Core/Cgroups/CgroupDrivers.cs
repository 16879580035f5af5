namespace MiniDocker.Cgroups;

/// <summary>Picks the driver for this host: v1 when any v1 controller is mounted (hybrid hosts too), v2 otherwise.</summary>
internal static class CgroupDrivers
{
    private static readonly Lazy<ICgroupDriver> LazyHost = new(() =>
    {
        var mounts = CgroupMounts.Read();
        return mounts.Version == CgroupVersion.V1 ? CgroupV1Driver.FromMounts(mounts) : CgroupV2Driver.FromMounts(mounts);
    });

    public static ICgroupDriver Host => LazyHost.Value;
}
