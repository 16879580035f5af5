namespace MiniDocker.Security.Seccomp;

/// <summary>What a filter decides for one syscall.</summary>
/// <param name="Action">The action.</param>
/// <param name="Data">The errno for <see cref="SeccompAction.Errno"/>, the data for trace.</param>
/// <param name="InstructionsExecuted">How many BPF instructions ran to decide.</param>
public readonly record struct SeccompVerdict(SeccompAction Action, uint Data, int InstructionsExecuted)
{
    internal const uint RetKillProcess = 0x80000000, RetKillThread = 0, RetTrap = 0x00030000, RetErrno = 0x00050000,
        RetUserNotify = 0x7fc00000, RetTrace = 0x7ff00000, RetLog = 0x7ffc0000, RetAllow = 0x7fff0000;

    internal static uint Encode(SeccompAction action, uint data) => action switch
    {
        SeccompAction.Allow => RetAllow,
        SeccompAction.Errno => RetErrno | Math.Min(data, 4095),
        SeccompAction.KillProcess => RetKillProcess,
        SeccompAction.KillThread => RetKillThread,
        SeccompAction.Trap => RetTrap | (data & 0xffff),
        SeccompAction.Trace => RetTrace | (data & 0xffff),
        SeccompAction.Log => RetLog,
        SeccompAction.UserNotify => RetUserNotify,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    internal static SeccompVerdict Decode(uint value, int executed) => (value & 0xffff0000) switch
    {
        RetKillProcess => new(SeccompAction.KillProcess, 0, executed),
        RetTrap => new(SeccompAction.Trap, value & 0xffff, executed),
        RetErrno => new(SeccompAction.Errno, value & 0xffff, executed),
        RetUserNotify => new(SeccompAction.UserNotify, 0, executed),
        RetTrace => new(SeccompAction.Trace, value & 0xffff, executed),
        RetLog => new(SeccompAction.Log, 0, executed),
        RetAllow => new(SeccompAction.Allow, 0, executed),
        _ => new(SeccompAction.KillThread, 0, executed),
    };
}
