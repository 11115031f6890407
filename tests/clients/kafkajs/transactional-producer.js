// KafkaJS's transactions against Fjord: usage `node transactional-producer.js BOOTSTRAP TOPIC ROUNDS`.
// Creates TOPIC (3 partitions) and TOPIC-out, then runs ROUNDS transactions of 30 records each over the
// three partitions, committing even rounds and aborting odd ones. A read_committed consumer group must then
// see exactly the committed records. Then a consume-transform-produce step: the group reads TOPIC and
// writes it to TOPIC-out in one transaction with sendOffsets, and the group's committed offsets must move
// only with that commit. Exits 0 only if every check holds.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
const output = `${topic}-out`;
const kafka = new Kafka({ clientId: 'fjord-kafkajs-txn', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });

async function readCommitted(groupId, fromTopic, expected) {
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic: fromTopic, fromBeginning: true });
  const values = [];
  await new Promise((resolve) => {
    let quiet;
    const done = () => { clearTimeout(quiet); resolve(); };
    const overall = setTimeout(done, 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value.toString());
        // Read on a little after the expected count: an aborted record must not follow.
        if (values.length >= expected) { clearTimeout(quiet); quiet = setTimeout(() => { clearTimeout(overall); done(); }, 1500); }
      },
    });
  });
  await consumer.disconnect();
  return values;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }, { topic: output, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });

  const producer = kafka.producer({ transactionalId: `${topic}-txn`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let round = 0; round < rounds; round++) {
    const transaction = await producer.transaction();
    const messages = [];
    for (let i = 0; i < 30; i++) messages.push({ partition: i % 3, value: `r${round}-${i}` });
    await transaction.send({ topic, messages });
    if (round % 2 === 0) await transaction.commit(); else await transaction.abort();
  }

  const committedRounds = Math.ceil(rounds / 2);
  const values = await readCommitted(`${topic}-reader`, topic, committedRounds * 30);
  const wrong = values.filter((v) => Number(v.slice(1, v.indexOf('-'))) % 2 !== 0);
  console.log(`committed ${committedRounds * 30}, read_committed saw ${values.length}, aborted seen ${wrong.length}`);
  if (values.length !== committedRounds * 30 || wrong.length !== 0) return 1;

  // Consume-transform-produce: offsets of the input travel with the output in one transaction.
  const groupId = `${topic}-processor`;
  const transaction = await producer.transaction();
  await transaction.send({ topic: output, messages: values.map((v) => ({ value: `${v}-out` })) });
  const offsets = await admin.fetchTopicOffsets(topic);
  await transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) }],
  });
  const before = await admin.fetchOffsets({ groupId, topics: [topic] });
  await transaction.commit();
  let after;
  for (let attempt = 0; attempt < 100; attempt++) {
    after = await admin.fetchOffsets({ groupId, topics: [topic] });
    if (after[0].partitions.every((p) => p.offset !== '-1')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const outputs = await readCommitted(`${topic}-out-reader`, output, values.length);
  await producer.disconnect();
  await admin.disconnect();

  const movedBefore = before[0].partitions.some((p) => p.offset !== '-1');
  const highs = Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  const movedAfter = after[0].partitions.every((p) => p.offset === highs[p.partition]);
  console.log(`offsets before commit visible: ${movedBefore}, after commit at the end: ${movedAfter}, outputs ${outputs.length}`);
  return !movedBefore && movedAfter && outputs.length === values.length ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => { console.error(`failed: ${error.stack ?? error}`); process.exit(2); });
