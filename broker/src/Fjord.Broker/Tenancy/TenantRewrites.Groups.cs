using Fjord.Broker.Handlers;
using Fjord.Broker.Handlers.Acls;
using Fjord.Broker.Handlers.Groups;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Handlers.Transactions;
using Fjord.Broker.Network;
using Fjord.Broker.Tenancy.Acls;
using Fjord.Broker.Tenancy.Groups;

namespace Fjord.Broker.Tenancy;

public static partial class TenantRewrites
{
    /// <summary>The group, transaction, ACL and SCRAM APIs.</summary>
    /// <returns>Whether <paramref name="handler"/> is one of them.</returns>
    private static bool AttachGroupAndSecurityApi(ApiHandler handler, TenantRewriteServices services)
    {
        switch (handler)
        {
            case FindCoordinatorHandler h: h.TenantRewrite = FindCoordinatorRewrite.Instance; return true;
            case JoinGroupHandler h: h.TenantRewrite = JoinGroupRewrite.Instance; return true;
            case SyncGroupHandler h: h.TenantRewrite = SyncGroupRewrite.Instance; return true;
            case HeartbeatHandler h: h.TenantRewrite = HeartbeatRewrite.Instance; return true;
            case LeaveGroupHandler h: h.TenantRewrite = LeaveGroupRewrite.Instance; return true;
            case OffsetCommitHandler h: h.TenantRewrite = OffsetCommitRewrite.Instance; return true;
            case OffsetFetchHandler h: h.TenantRewrite = OffsetFetchRewrite.Instance; return true;
            case OffsetDeleteHandler h: h.TenantRewrite = OffsetDeleteRewrite.Instance; return true;
            case ListGroupsHandler h: h.TenantRewrite = ListGroupsRewrite.Instance; return true;
            case DescribeGroupsHandler h: h.TenantRewrite = DescribeGroupsRewrite.Instance; return true;
            case DeleteGroupsHandler h: h.TenantRewrite = DeleteGroupsRewrite.Instance; return true;
            case InitProducerIdHandler h: h.TenantRewrite = InitProducerIdRewrite.Instance; return true;
            case AddPartitionsToTxnHandler h: h.TenantRewrite = AddPartitionsToTxnRewrite.Instance; return true;
            case AddOffsetsToTxnHandler h: h.TenantRewrite = AddOffsetsToTxnRewrite.Instance; return true;
            case EndTxnHandler h: h.TenantRewrite = EndTxnRewrite.Instance; return true;
            case TxnOffsetCommitHandler h: h.TenantRewrite = TxnOffsetCommitRewrite.Instance; return true;
            case DescribeTransactionsHandler h: h.TenantRewrite = DescribeTransactionsRewrite.Instance; return true;
            case ListTransactionsHandler h: h.TenantRewrite = ListTransactionsRewrite.Instance; return true;
            case WriteTxnMarkersHandler h: h.TenantRewrite = WriteTxnMarkersRewrite.Instance; return true;
            case CreateAclsHandler h: h.TenantRewrite = CreateAclsRewrite.Instance; return true;
            case DescribeAclsHandler h: h.TenantRewrite = DescribeAclsRewrite.Instance; return true;
            case DeleteAclsHandler h: h.TenantRewrite = DeleteAclsRewrite.Instance; return true;
            case DescribeUserScramCredentialsHandler h: h.TenantRewrite = DescribeUserScramCredentialsRewrite.Instance; return true;
            case AlterUserScramCredentialsHandler h: h.TenantRewrite = AlterUserScramCredentialsRewrite.Instance; return true;
            default: return false;
        }
    }
}
