using Fjord.Broker.Configuration;
using Fjord.Broker.Membership;
using Fjord.Log.Checkpoints;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Membership;

/// <summary>Issue 11, item 1: which cluster a broker may serve, decided from its log dirs and the store before any log is opened.</summary>
public sealed class ClusterIdentityVerdictTests
{
    private const string Location = "table fjordmetadata of http://127.0.0.1:10002/devstoreaccount1";

    [Fact]
    public void EmptyLogDirsAndAnEmptyStoreFormANewCluster()
    {
        using var dir = new TempDirectory("fjord-identity");
        var verdict = ClusterIdentityVerdict.Judge(LogDirIdentity.Read([dir.Path], 0), null, Location, 0);
        Assert.Equal(ClusterIdentityVerdict.Kind.FormNewCluster, verdict.Decision);
    }

    [Fact]
    public void LogDirsOfAClusterJoinTheStoreOfThatCluster()
    {
        using var dir = new TempDirectory("fjord-identity");
        MetaPropertiesFile.Write(dir.Path, new MetaProperties("cluster-a", 0));
        var verdict = ClusterIdentityVerdict.Judge(LogDirIdentity.Read([dir.Path], 0), "cluster-a", Location, 0);
        Assert.Equal(ClusterIdentityVerdict.Kind.Join, verdict.Decision);
    }

    [Fact]
    public void LogDirsWithDataRefuseAStoreWithNoClusterAndSayWhatToDo()
    {
        using var dir = new TempDirectory("fjord-identity");
        MetaPropertiesFile.Write(dir.Path, new MetaProperties("cluster-a", 2));
        var verdict = ClusterIdentityVerdict.Judge(LogDirIdentity.Read([dir.Path], 2), null, Location, 2);
        Assert.Equal(ClusterIdentityVerdict.Kind.Refuse, verdict.Decision);
        Assert.Contains("holds no cluster id", verdict.Refusal, StringComparison.Ordinal);
        Assert.Contains("cluster-a", verdict.Refusal, StringComparison.Ordinal);
        Assert.Contains(Location, verdict.Refusal, StringComparison.Ordinal);
        Assert.Contains("Nothing is deleted", verdict.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void LogDirsRefuseAnotherClustersStore()
    {
        using var dir = new TempDirectory("fjord-identity");
        MetaPropertiesFile.Write(dir.Path, new MetaProperties("cluster-a", 0));
        var verdict = ClusterIdentityVerdict.Judge(LogDirIdentity.Read([dir.Path], 0), "cluster-b", Location, 0);
        Assert.Equal(ClusterIdentityVerdict.Kind.Refuse, verdict.Decision);
        Assert.Contains("belongs to cluster cluster-b", verdict.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionDataWithoutMetaPropertiesRefusesAnEmptyStoreButJoinsAnExistingOne()
    {
        using var dir = new TempDirectory("fjord-identity");
        Directory.CreateDirectory(Path.Combine(dir.Path, "orders-0"));
        var local = LogDirIdentity.Read([dir.Path], 0);
        Assert.Equal(ClusterIdentityVerdict.Kind.Refuse, ClusterIdentityVerdict.Judge(local, null, Location, 0).Decision);
        // A log dir written by a Fjord from before cluster ids joins the store it has always used.
        Assert.Equal(ClusterIdentityVerdict.Kind.Join, ClusterIdentityVerdict.Judge(local, "cluster-a", Location, 0).Decision);
        local.Adopt("cluster-a", 0);
        Assert.Equal("cluster-a", MetaPropertiesFile.Read(dir.Path)!.ClusterId);
    }

    [Fact]
    public void LogDirsOfAnotherNodeOrOfTwoClustersAreAConfigurationError()
    {
        using var a = new TempDirectory("fjord-identity");
        using var b = new TempDirectory("fjord-identity");
        MetaPropertiesFile.Write(a.Path, new MetaProperties("cluster-a", 1));
        MetaPropertiesFile.Write(b.Path, new MetaProperties("cluster-b", 1));
        Assert.Contains("node.id=0", Assert.Throws<ConfigException>(() => LogDirIdentity.Read([a.Path], 0)).Message, StringComparison.Ordinal);
        Assert.Contains("different clusters", Assert.Throws<ConfigException>(() => LogDirIdentity.Read([a.Path, b.Path], 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetaPropertiesUsesKafkasKeys()
    {
        using var dir = new TempDirectory("fjord-identity");
        MetaPropertiesFile.Write(dir.Path, new MetaProperties("MkU3OEVBNTcwNTJENDM2Qk", 3));
        var text = File.ReadAllText(Path.Combine(dir.Path, "meta.properties"));
        Assert.Contains("cluster.id=MkU3OEVBNTcwNTJENDM2Qk\n", text, StringComparison.Ordinal);
        Assert.Contains("node.id=3\n", text, StringComparison.Ordinal);
        Assert.Contains("version=1\n", text, StringComparison.Ordinal);
        Assert.Matches("directory.id=[A-Za-z0-9_-]{22}\n", text);
    }
}
