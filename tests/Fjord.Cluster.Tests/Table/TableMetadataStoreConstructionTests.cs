using Azure.Data.Tables;
using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class TableMetadataStoreConstructionTests
{
    [Theory]
    [InlineData("m")]
    [InlineData("1metadata")]
    [InlineData("fjord-metadata")]
    public void TableNamesThatTableStorageRefusesAreRejectedUpFront(string tableName) =>
        Assert.Throws<ArgumentException>(() => new TableMetadataStore(new TableServiceClient("UseDevelopmentStorage=true"), tableName));

    [Fact]
    public void TheDefaultTableNameIsFjordMetadata() =>
        Assert.Equal("fjordmetadata", new TableMetadataStore(new TableServiceClient("UseDevelopmentStorage=true")).TableName);
}
