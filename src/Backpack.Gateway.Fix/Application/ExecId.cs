using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Application;

/// <summary>An ExecID written straight into the message: E{command sequence}-{session}-{counter}, X{session}-{counter}, or a trade's.</summary>
internal readonly record struct ExecId(char Prefix, long First, long Second, long Third)
{
    public void Write(ref FixWriter w) => w.Id(FixTags.ExecID, Prefix, First, Second, Third);
}
