using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Fjord.Perf.Cluster;

/// <summary>
/// The two librdkafka mock-cluster calls Confluent.Kafka does not wrap. The mock broker does not
/// implement CreateTopics (its Metadata names a ControllerId no broker has, so the AdminClient waits
/// for a controller until it times out), and auto-created topics always get the mock's default partition
/// count; <c>rd_kafka_mock_topic_create</c> is the supported way to make a topic of a given size.
/// </summary>
/// <remarks>
/// The functions are resolved in the very librdkafka image Confluent.Kafka loaded (found in
/// /proc/self/maps), because the mock cluster pointer is only meaningful to that instance.
/// The native client pointer comes from Confluent.Kafka's internal <c>Handle.LibrdkafkaHandle</c>.
/// </remarks>
internal static unsafe class MockClusterNative
{
    private static readonly Lazy<nint> Library = new(LoadLoadedLibrdkafka);

    public static void CreateTopic(Handle client, string topic, int partitions, int replicationFactor)
    {
        var create = (delegate* unmanaged<nint, byte*, int, int, int>)Export("rd_kafka_mock_topic_create");
        var cluster = ClusterOf(client);
        var name = Marshal.StringToCoTaskMemUTF8(topic);
        try
        {
            var error = (ErrorCode)create(cluster, (byte*)name, partitions, replicationFactor);
            if (error != ErrorCode.NoError && error != ErrorCode.TopicAlreadyExists)
                throw new InvalidOperationException($"mock cluster refused to create topic {topic}: {error}");
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    private static nint ClusterOf(Handle client)
    {
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException("Confluent.Kafka.Handle.LibrdkafkaHandle not found: this Confluent.Kafka version is not supported by --mock");
        var safeHandle = (SafeHandle)property.GetValue(client)!;
        var clusterOf = (delegate* unmanaged<nint, nint>)Export("rd_kafka_handle_mock_cluster");
        var cluster = clusterOf(safeHandle.DangerousGetHandle());
        return cluster != 0 ? cluster : throw new InvalidOperationException("client has no mock cluster (test.mock.num.brokers not set?)");
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    private static nint LoadLoadedLibrdkafka()
    {
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .FirstOrDefault()
            ?? throw new InvalidOperationException("librdkafka is not loaded in this process (--mock needs Linux)");
        // dlopen of an already-loaded path returns the existing image, not a second copy.
        return NativeLibrary.Load(path);
    }
}
