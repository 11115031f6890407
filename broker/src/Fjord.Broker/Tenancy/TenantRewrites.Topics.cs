using Fjord.Broker.Handlers;
using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Topics;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>The topic and cluster APIs (Produce, Fetch, Metadata, ListOffsets, the topic admin and config APIs …).</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachTopicApi(ApiHandler handler, TenantRewriteServices services)
    {
        switch (handler)
        {
            case ProduceHandler h: h.TenantRewrite = new ProduceRewrite(); return true;
            case FetchHandler h: h.TenantRewrite = new FetchRewrite(services); return true;
            case MetadataHandler h: h.TenantRewrite = new MetadataRewrite(services); return true;
            case ListOffsetsHandler h: h.TenantRewrite = new ListOffsetsRewrite(); return true;
            case OffsetForLeaderEpochHandler h: h.TenantRewrite = new OffsetForLeaderEpochRewrite(); return true;
            case DeleteRecordsHandler h: h.TenantRewrite = new DeleteRecordsRewrite(); return true;
            case CreateTopicsHandler h: h.TenantRewrite = new CreateTopicsRewrite(); return true;
            case DeleteTopicsHandler h: h.TenantRewrite = new DeleteTopicsRewrite(services); return true;
            case CreatePartitionsHandler h: h.TenantRewrite = new CreatePartitionsRewrite(); return true;
            case DescribeConfigsHandler h: h.TenantRewrite = new DescribeConfigsRewrite(); return true;
            case AlterConfigsHandler h: h.TenantRewrite = new AlterConfigsRewrite(); return true;
            case IncrementalAlterConfigsHandler h: h.TenantRewrite = new IncrementalAlterConfigsRewrite(); return true;
            case DescribeProducersHandler h: h.TenantRewrite = new DescribeProducersRewrite(); return true;
            case DescribeClusterHandler h: h.TenantRewrite = new DescribeClusterRewrite(); return true;
            case ElectLeadersHandler h: h.TenantRewrite = new ElectLeadersRewrite(); return true;
            case AlterPartitionReassignmentsHandler h: h.TenantRewrite = new AlterPartitionReassignmentsRewrite(); return true;
            case ListPartitionReassignmentsHandler h: h.TenantRewrite = new ListPartitionReassignmentsRewrite(); return true;
            default: return false;
        }
    }
}
