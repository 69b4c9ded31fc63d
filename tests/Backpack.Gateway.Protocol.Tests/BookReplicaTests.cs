using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Books;

namespace Backpack.Gateway.Protocol.Tests;

/// <summary>The book replica both front ends keep from BookDelta events.</summary>
public class BookReplicaTests
{
    [Fact]
    public void Changes_come_once_per_level_with_the_quantity_before_the_batch_and_now()
    {
        var book = new BookReplica();
        book.Apply(Side.Buy, 100, 5, 1);
        book.Apply(Side.Sell, 110, 2, 2);
        var changes = new List<LevelChange>();
        book.TakeChanges(changes);
        Assert.Equal([new LevelChange(Side.Buy, 100, 0, 5), new LevelChange(Side.Sell, 110, 0, 2)], changes);

        book.Apply(Side.Buy, 100, 7, 3);   // changed twice: before 5
        book.Apply(Side.Buy, 101, 1, 4);   // came and went: before 0, now 0
        book.Apply(Side.Buy, 100, 6, 5);
        book.Apply(Side.Buy, 101, 0, 6);
        book.Apply(Side.Sell, 110, 0, 7);  // gone
        Assert.Equal(3, book.FirstUnsent);
        book.TakeChanges(changes);
        Assert.Equal([new LevelChange(Side.Buy, 100, 5, 6), new LevelChange(Side.Buy, 101, 0, 0), new LevelChange(Side.Sell, 110, 2, 0)], changes);
        Assert.False(book.HasChanges);
        Assert.Equal(new TopOfBook(100, 6, 0, 0), book.Top());
    }

    [Fact]
    public void A_seeded_replica_ignores_the_deltas_its_seed_already_holds()
    {
        var book = new BookReplica();
        book.Seed([(Side.Buy, 100, 5), (Side.Buy, 99, 1), (Side.Sell, 105, 3)], 40);
        Assert.False(book.Apply(Side.Buy, 100, 1, 39));
        Assert.False(book.Apply(Side.Sell, 105, 0, 40));
        Assert.True(book.Apply(Side.Buy, 98, 4, 41));
        Assert.Equal([(100L, 5L), (99L, 1L), (98L, 4L)], book.Top(Side.Buy, 10));
        Assert.Equal([(105L, 3L)], book.Top(Side.Sell, 1));
        Assert.Equal(41, book.LastSequence);
        var changes = new List<LevelChange>();
        book.TakeChanges(changes);
        Assert.Equal([new LevelChange(Side.Buy, 98, 0, 4)], changes);
    }
}
