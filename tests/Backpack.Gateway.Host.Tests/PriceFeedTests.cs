using System.Text.Json;
using Backpack.Gateway.Host.PriceFeed;

namespace Backpack.Gateway.Host.Tests;

public class RandomWalkTests
{
    [Fact]
    public void The_same_seed_gives_the_same_prices_and_another_seed_other_ones()
    {
        static List<long> Path(int seed)
        {
            var walk = new RandomWalk(seed, 0.001);
            var prices = new List<long>();
            long price = 18_000;
            for (int i = 0; i < 1000; i++) prices.Add(price = walk.Next(price));
            return prices;
        }
        Assert.Equal(Path(1), Path(1));
        Assert.NotEqual(Path(1), Path(2));
    }

    [Fact]
    public void Steps_have_the_configured_size_and_the_price_stays_at_least_one_tick()
    {
        var walk = new RandomWalk(3, 0.001);
        var moves = new List<double>();
        long price = 1_000_000;
        for (int i = 0; i < 20_000; i++)
        {
            long next = walk.Next(price);
            moves.Add(Math.Log((double)next / price));
            price = next;
        }
        double mean = moves.Average();
        double sd = Math.Sqrt(moves.Sum(m => (m - mean) * (m - mean)) / (moves.Count - 1));
        Assert.InRange(sd, 0.00095, 0.00105);

        var tiny = new RandomWalk(4, 0.05);
        long p = 2;
        for (int i = 0; i < 10_000; i++) Assert.True((p = tiny.Next(p)) >= 1);
        Assert.Equal(500, new RandomWalk(5, 0).Next(500));
    }
}

/// <summary>Scenarios started over the admin endpoint move the engine's index, and the feed goes back to its own mode afterwards.</summary>
public class ScenarioControlTests
{
    private static decimal Sol(JsonElement feed) => feed.GetProperty("index").GetProperty("SOL_USDC_PERP").GetDecimal();

    /// <summary>Polls the feed's state until <paramref name="condition"/> holds (a busy machine may take its time, never a fixed one).</summary>
    private static async Task<JsonElement> WaitForFeedAsync(HostTestVenue venue, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var feed = (await venue.GetJsonAsync("admin/scenarios")).GetProperty("feed");
            if (condition(feed)) return feed;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 30 s for {what}; the feed is {feed.GetRawText()}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_scenario_moves_every_index_by_its_path_and_the_feed_returns_when_it_ends()
    {
        string folder = Directory.CreateTempSubdirectory("bp-scenarios-").FullName;
        File.WriteAllText(Path.Combine(folder, "drop.json"), """
            { "name": "drop", "description": "10% down in one second, then holds", "durationSeconds": 2, "stepMilliseconds": 250,
              "path": [ { "t": 0, "move": 0 }, { "t": 1, "move": -0.10 }, { "t": 2, "move": -0.10 } ] }
            """);
        try
        {
            await using var venue = await HostTestVenue.StartAsync("--Demo:Enabled=false", "--PriceFeed:Walk=false", "--PriceFeed:ScenarioDirectory=" + folder);
            var listed = await venue.GetJsonAsync("admin/scenarios");
            Assert.Equal("drop", listed.GetProperty("scenarios")[0].GetProperty("name").GetString());

            using (var unknown = await venue.Http.PostAsync("admin/scenarios/flash-crash/start", null))
            {
                Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
                Assert.Contains("Unknown scenario 'flash-crash'; the scenarios are drop", await unknown.Content.ReadAsStringAsync());
            }
            foreach (string speed in new[] { "5000", "abc" })
            {
                using var refused = await venue.Http.PostAsync("admin/scenarios/drop/start?speed=" + speed, null);
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("speed must be a number 0.01 to 1000", await refused.Content.ReadAsStringAsync());
            }

            var started = await venue.PostAsync("admin/scenarios/drop/start?speed=4");
            Assert.Equal(("scenario", "drop"), (started.GetProperty("mode").GetString(), started.GetProperty("scenario").GetString()));
            // Played in half a second; the engine's index of each market ends 10% lower (rounded to a tick).
            var summary = await venue.WaitForSummaryAsync(s => s.GetProperty("feed").GetProperty("mode").GetString() == "still", "the end of the scenario", TimeSpan.FromSeconds(10));
            var index = summary.GetProperty("markets").EnumerateArray().ToDictionary(m => m.GetProperty("symbol").GetString()!, m => m.GetProperty("index").GetDecimal());
            Assert.Equal(new Dictionary<string, decimal> { ["BTC_USDC_PERP"] = 90_000m, ["ETH_USDC_PERP"] = 3_150m, ["SOL_USDC_PERP"] = 162m }, index);

            // Stopping mid-way leaves the index where the scenario had taken it. At speed 0.1 a step
            // comes every 2.5 s: stopped after the first move, well before the next.
            await venue.PostAsync("admin/scenarios/drop/start?speed=0.1");
            await WaitForFeedAsync(venue, feed => Sol(feed) < 161.9m, "the scenario's first move");
            var stopped = await venue.PostAsync("admin/scenarios/stop");
            Assert.Equal("still", stopped.GetProperty("mode").GetString());
            decimal sol = stopped.GetProperty("index").GetProperty("SOL_USDC_PERP").GetDecimal();
            Assert.InRange(sol, 145.8m, 161.9m);
            await Task.Delay(600);
            Assert.Equal(sol, (await venue.GetJsonAsync("admin/scenarios")).GetProperty("feed").GetProperty("index").GetProperty("SOL_USDC_PERP").GetDecimal());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_the_walk_on_the_index_moves_and_a_scenario_hands_back_to_the_walk()
    {
        await using var venue = await HostTestVenue.StartAsync("--Demo:Enabled=false", "--PriceFeed:Interval=00:00:00.050", "--PriceFeed:Volatility=0.01");
        var first = (await venue.GetJsonAsync("admin/scenarios")).GetProperty("feed");
        Assert.Equal("walk", first.GetProperty("mode").GetString());
        string start = first.GetProperty("index").GetRawText();
        await WaitForFeedAsync(venue, feed => feed.GetProperty("index").GetRawText() != start, "the walk's first move");

        await venue.PostAsync("admin/scenarios/gap-down/start?speed=1000");
        await venue.WaitForSummaryAsync(s => s.GetProperty("feed").GetProperty("mode").GetString() == "walk", "the walk again", TimeSpan.FromSeconds(10));
    }
}
