namespace MiniDocker.Security.Capabilities;

/// <summary>Linux capabilities by number, as in &lt;linux/capability.h&gt;; the name in the kernel is CAP_ and the upper-case words.</summary>
public enum Capability
{
    /// <summary>CAP_CHOWN: Change file owners and groups.</summary>
    Chown = 0,

    /// <summary>CAP_DAC_OVERRIDE: Bypass file read, write and execute permission checks.</summary>
    DacOverride = 1,

    /// <summary>CAP_DAC_READ_SEARCH: Bypass file read and directory search permission checks.</summary>
    DacReadSearch = 2,

    /// <summary>CAP_FOWNER: Bypass checks that require owning the file.</summary>
    Fowner = 3,

    /// <summary>CAP_FSETID: Keep set-user-ID and set-group-ID bits when a file is modified.</summary>
    Fsetid = 4,

    /// <summary>CAP_KILL: Send signals to any process.</summary>
    Kill = 5,

    /// <summary>CAP_SETGID: Change group ids.</summary>
    Setgid = 6,

    /// <summary>CAP_SETUID: Change user ids.</summary>
    Setuid = 7,

    /// <summary>CAP_SETPCAP: Change the capability bounding set and others' capabilities.</summary>
    Setpcap = 8,

    /// <summary>CAP_LINUX_IMMUTABLE: Set immutable and append-only file attributes.</summary>
    LinuxImmutable = 9,

    /// <summary>CAP_NET_BIND_SERVICE: Bind ports below 1024.</summary>
    NetBindService = 10,

    /// <summary>CAP_NET_BROADCAST: Broadcast and listen to multicast.</summary>
    NetBroadcast = 11,

    /// <summary>CAP_NET_ADMIN: Configure network interfaces, routes and firewalls.</summary>
    NetAdmin = 12,

    /// <summary>CAP_NET_RAW: Use raw and packet sockets (ping, packet capture).</summary>
    NetRaw = 13,

    /// <summary>CAP_IPC_LOCK: Lock memory.</summary>
    IpcLock = 14,

    /// <summary>CAP_IPC_OWNER: Bypass System V IPC permission checks.</summary>
    IpcOwner = 15,

    /// <summary>CAP_SYS_MODULE: Load and unload kernel modules.</summary>
    SysModule = 16,

    /// <summary>CAP_SYS_RAWIO: Raw I/O port and device access.</summary>
    SysRawio = 17,

    /// <summary>CAP_SYS_CHROOT: Use chroot.</summary>
    SysChroot = 18,

    /// <summary>CAP_SYS_PTRACE: Trace any process.</summary>
    SysPtrace = 19,

    /// <summary>CAP_SYS_PACCT: Configure process accounting.</summary>
    SysPacct = 20,

    /// <summary>CAP_SYS_ADMIN: Mount filesystems and many other administrative operations.</summary>
    SysAdmin = 21,

    /// <summary>CAP_SYS_BOOT: Reboot and load kernels.</summary>
    SysBoot = 22,

    /// <summary>CAP_SYS_NICE: Raise priorities and change scheduling of any process.</summary>
    SysNice = 23,

    /// <summary>CAP_SYS_RESOURCE: Override resource limits.</summary>
    SysResource = 24,

    /// <summary>CAP_SYS_TIME: Set the system clock.</summary>
    SysTime = 25,

    /// <summary>CAP_SYS_TTY_CONFIG: Configure terminals (vhangup).</summary>
    SysTtyConfig = 26,

    /// <summary>CAP_MKNOD: Create device nodes.</summary>
    Mknod = 27,

    /// <summary>CAP_LEASE: Take file leases.</summary>
    Lease = 28,

    /// <summary>CAP_AUDIT_WRITE: Write to the kernel audit log.</summary>
    AuditWrite = 29,

    /// <summary>CAP_AUDIT_CONTROL: Configure kernel auditing.</summary>
    AuditControl = 30,

    /// <summary>CAP_SETFCAP: Set file capabilities.</summary>
    Setfcap = 31,

    /// <summary>CAP_MAC_OVERRIDE: Override mandatory access control.</summary>
    MacOverride = 32,

    /// <summary>CAP_MAC_ADMIN: Configure mandatory access control.</summary>
    MacAdmin = 33,

    /// <summary>CAP_SYSLOG: Use privileged syslog operations.</summary>
    Syslog = 34,

    /// <summary>CAP_WAKE_ALARM: Set alarms that wake the system.</summary>
    WakeAlarm = 35,

    /// <summary>CAP_BLOCK_SUSPEND: Block system suspend.</summary>
    BlockSuspend = 36,

    /// <summary>CAP_AUDIT_READ: Read the kernel audit log.</summary>
    AuditRead = 37,

    /// <summary>CAP_PERFMON: Use performance monitoring.</summary>
    Perfmon = 38,

    /// <summary>CAP_BPF: Use privileged BPF operations.</summary>
    Bpf = 39,

    /// <summary>CAP_CHECKPOINT_RESTORE: Checkpoint and restore processes.</summary>
    CheckpointRestore = 40,
}
