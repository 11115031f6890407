// KafkaJS's idempotent producer against Fjord: usage `node idempotent-producer.js BOOTSTRAP TOPIC COUNT`.
// Creates TOPIC (3 partitions), produces COUNT records with idempotence on, reads them back with a
// consumer group, and exits 0 only if every record arrived exactly once.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'fjord-kafkajs-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < count; i += 100) {
    const messages = [];
    for (let j = i; j < Math.min(i + 100, count); j++) messages.push({ partition: j % 3, value: `v${j}` });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set();
  let total = 0;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        total++;
        seen.add(message.value.toString());
        if (total >= count) { clearTimeout(timer); resolve(); }
      },
    });
  });
  await consumer.disconnect();
  console.log(`produced ${count}, consumed ${total}, distinct ${seen.size}`);
  return total === count && seen.size === count ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => { console.error(`failed: ${error.stack ?? error}`); process.exit(2); });
