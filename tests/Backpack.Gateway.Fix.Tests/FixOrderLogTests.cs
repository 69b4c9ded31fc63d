using Backpack.Gateway.Fix.Application;

namespace Backpack.Gateway.Fix.Tests;

public sealed class FixOrderLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-orderlog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_log_gives_back_each_orders_ClOrdIDs_across_replaces_and_drops_a_line_cut_by_a_crash()
    {
        using (var log = new FixOrderLog(_folder, "BACKPACK-ALICE"))
        {
            log.New(11, "a-1");
            log.Replaced(12, 11, "a-1 r\tx"); // any character but a newline
            log.New(13, "b-1");
        }
        File.AppendAllText(Path.Combine(_folder, "BACKPACK-ALICE.orders"), "N\t14\tc-"); // cut mid-line

        using var reopened = new FixOrderLog(_folder, "BACKPACK-ALICE");
        Assert.Equal([(11L, "a-1"), (12L, "a-1 r\tx")], reopened.Chain(12));
        Assert.Equal([(13L, "b-1")], reopened.Chain(13));
        Assert.Empty(reopened.Chain(14));
        Assert.Equal(13, reopened.MaxClientOrderId);
        reopened.New(15, "d-1");
        Assert.EndsWith("N\t13\tb-1\nN\t15\td-1\n", File.ReadAllText(Path.Combine(_folder, "BACKPACK-ALICE.orders")));
    }
}
