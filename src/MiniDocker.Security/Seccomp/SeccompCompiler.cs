using System.Globalization;
using MiniDocker.Security.Capabilities;
using static MiniDocker.Security.Seccomp.BpfInstruction;

namespace MiniDocker.Security.Seccomp;

/// <summary>
/// Compiles a profile to seccomp BPF. The program checks the architecture (and refuses x86's x32
/// ABI), answers ENOSYS for syscalls newer than the profile (so libc falls back, e.g. clone3 →
/// clone), then finds the syscall by binary search over the numbers that have rules — about
/// log2(n) comparisons instead of a chain of hundreds — and runs that syscall's rules in order.
/// </summary>
internal static class SeccompCompiler
{
    private const uint Enosys = 38, Eperm = 1;
    private const uint X32SyscallBit = 0x40000000;
    private const int LinearThreshold = 4;

    public static bool Applies(SeccompRule rule, SeccompCompileOptions options)
    {
        var includes = rule.Includes;
        var excludes = rule.Excludes;
        var arch = options.Architecture.GoName();
        if (includes.Capabilities.Any(c => !options.Capabilities.Contains(CapabilitySet.Parse(c)))) return false;
        if (includes.Architectures.Count > 0 && !includes.Architectures.Contains(arch)) return false;
        if (includes.MinKernel is { } minimum && options.KernelVersion < ParseKernel(minimum)) return false;
        if (excludes.Capabilities.Any(c => options.Capabilities.Contains(CapabilitySet.Parse(c)))) return false;
        if (excludes.Architectures.Contains(arch)) return false;
        return true;
    }

    public static SeccompFilter Compile(SeccompProfile profile, SeccompCompileOptions options)
    {
        var table = options.Architecture.Syscalls();
        var rules = new SortedDictionary<int, List<SeccompRule>>();
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in profile.Syscalls.Where(r => Applies(r, options)))
        {
            foreach (var name in rule.Names)
            {
                if (!table.TryGetValue(name, out var nr))
                {
                    unknown.Add(name);
                    continue;
                }
                if (!rules.TryGetValue(nr, out var list)) rules[nr] = list = [];
                list.Add(rule);
            }
        }

        var asm = new BpfAssembler();
        int archOk = asm.NewLabel(), reject = asm.NewLabel(), enosys = asm.NewLabel(), dispatch = asm.NewLabel(), fallback = asm.NewLabel();
        uint defaultReturn = SeccompVerdict.Encode(profile.DefaultAction, profile.DefaultErrnoRet ?? Eperm);

        asm.Load(4); // seccomp_data.arch
        asm.JumpIf(JeqK, options.Architecture.AuditArch(), archOk, reject);
        asm.Mark(archOk);
        asm.Load(0); // seccomp_data.nr
        if (options.Architecture == SeccompArchitecture.X86_64)
        {
            int native = asm.NewLabel();
            asm.JumpIf(JgeK, X32SyscallBit, reject, native);
            asm.Mark(native);
        }
        // A deny-by-default profile cannot have meant to deny a syscall newer than any it names:
        // ENOSYS tells libc to fall back. An allow-by-default profile allows those anyway.
        if (profile.DefaultAction is not (SeccompAction.Allow or SeccompAction.Log))
        {
            var newest = rules.Count > 0 ? rules.Keys.Max() : table.Values.Max();
            asm.JumpIf(JgtK, (uint)newest, enosys, dispatch);
        }
        asm.Mark(dispatch);

        var entries = rules.Select(kv => (Number: kv.Key, Rules: kv.Value, Label: asm.NewLabel())).ToArray();
        Dispatch(asm, entries, 0, entries.Length, fallback);
        foreach (var (_, syscallRules, label) in entries)
        {
            asm.Mark(label);
            EmitRules(asm, syscallRules, defaultReturn);
        }
        asm.Mark(fallback);
        asm.Return(defaultReturn);
        asm.Mark(enosys);
        asm.Return(SeccompVerdict.Encode(SeccompAction.Errno, Enosys));
        asm.Mark(reject);
        asm.Return(SeccompVerdict.Encode(SeccompAction.KillProcess, 0));

        var program = asm.Assemble();
        if (program.Length > 4096)
            throw new SeccompProfileException($"The compiled filter has {program.Length} instructions; the kernel takes at most 4096. Simplify the profile.");
        return new SeccompFilter(program, options.Architecture, [.. unknown], rules.Count);
    }

    /// <summary>Binary search over the syscall numbers; short runs are compared one by one.</summary>
    private static void Dispatch(BpfAssembler asm, (int Number, List<SeccompRule> Rules, int Label)[] entries, int lo, int hi, int fallback)
    {
        if (hi - lo <= LinearThreshold)
        {
            for (int i = lo; i < hi; i++)
            {
                int next = asm.NewLabel();
                asm.JumpIf(JeqK, (uint)entries[i].Number, entries[i].Label, next);
                asm.Mark(next);
            }
            asm.Jump(fallback);
            return;
        }
        int mid = (lo + hi) / 2, left = asm.NewLabel(), right = asm.NewLabel();
        asm.JumpIf(JgeK, (uint)entries[mid].Number, right, left);
        asm.Mark(left);
        Dispatch(asm, entries, lo, mid, fallback);
        asm.Mark(right);
        Dispatch(asm, entries, mid, hi, fallback);
    }

    private static void EmitRules(BpfAssembler asm, List<SeccompRule> rules, uint defaultReturn)
    {
        foreach (var rule in rules)
        {
            var action = SeccompVerdict.Encode(rule.Action, rule.ErrnoRet ?? (rule.Action == SeccompAction.Errno ? Eperm : 0));
            if (rule.Arguments.Count == 0)
            {
                asm.Return(action);
                return; // later rules for this syscall can never be reached
            }
            int nextRule = asm.NewLabel();
            foreach (var condition in rule.Arguments) EmitCondition(asm, condition, nextRule);
            asm.Return(action);
            asm.Mark(nextRule);
        }
        asm.Return(defaultReturn);
    }

    /// <summary>A 64-bit comparison from two 32-bit loads: the high words decide unless equal.</summary>
    private static void EmitCondition(BpfAssembler asm, SeccompArgumentCondition condition, int fail)
    {
        uint offset = 16 + 8 * condition.Index; // seccomp_data.args[i], little-endian halves
        uint hi = (uint)(condition.Value >> 32), lo = (uint)condition.Value;
        int pass = asm.NewLabel(), lowWord = asm.NewLabel();
        switch (condition.Operator)
        {
            case SeccompOperator.Equal:
                asm.Load(offset + 4);
                asm.JumpIf(JeqK, hi, lowWord, fail);
                asm.Mark(lowWord);
                asm.Load(offset);
                asm.JumpIf(JeqK, lo, pass, fail);
                break;
            case SeccompOperator.NotEqual:
                asm.Load(offset + 4);
                asm.JumpIf(JeqK, hi, lowWord, pass);
                asm.Mark(lowWord);
                asm.Load(offset);
                asm.JumpIf(JeqK, lo, fail, pass);
                break;
            // a < v is !(a >= v) and a <= v is !(a > v): one unsigned "greater" test serves all four.
            case SeccompOperator.GreaterThan:
                EmitGreater(asm, offset, hi, lo, orEqual: false, whenTrue: pass, whenFalse: fail, lowWord);
                break;
            case SeccompOperator.GreaterOrEqual:
                EmitGreater(asm, offset, hi, lo, orEqual: true, whenTrue: pass, whenFalse: fail, lowWord);
                break;
            case SeccompOperator.LessThan:
                EmitGreater(asm, offset, hi, lo, orEqual: true, whenTrue: fail, whenFalse: pass, lowWord);
                break;
            case SeccompOperator.LessOrEqual:
                EmitGreater(asm, offset, hi, lo, orEqual: false, whenTrue: fail, whenFalse: pass, lowWord);
                break;
            case SeccompOperator.MaskedEqual:
            {
                uint datumHi = (uint)(condition.ValueTwo >> 32), datumLo = (uint)condition.ValueTwo;
                asm.Load(offset + 4);
                asm.And(hi);
                asm.JumpIf(JeqK, datumHi, lowWord, fail);
                asm.Mark(lowWord);
                asm.Load(offset);
                asm.And(lo);
                asm.JumpIf(JeqK, datumLo, pass, fail);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition.Operator, "Unknown operator.");
        }
        asm.Mark(pass);
    }

    /// <summary>Unsigned 64-bit <c>arg &gt; value</c> (or <c>&gt;=</c>): the high words decide unless they are equal.</summary>
    private static void EmitGreater(BpfAssembler asm, uint offset, uint hi, uint lo, bool orEqual, int whenTrue, int whenFalse, int lowWord)
    {
        int equalHigh = asm.NewLabel();
        asm.Load(offset + 4);
        asm.JumpIf(JgtK, hi, whenTrue, equalHigh);
        asm.Mark(equalHigh);
        asm.JumpIf(JeqK, hi, lowWord, whenFalse);
        asm.Mark(lowWord);
        asm.Load(offset);
        asm.JumpIf(orEqual ? JgeK : JgtK, lo, whenTrue, whenFalse);
    }

    private static Version ParseKernel(string text)
    {
        var parts = text.Split('.');
        return new Version(
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            parts.Length > 1 ? int.Parse(new string([.. parts[1].TakeWhile(char.IsDigit)]), CultureInfo.InvariantCulture) : 0);
    }
}
