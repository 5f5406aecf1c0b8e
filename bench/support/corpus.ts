import { rng } from '../../src/kb/matching/example-scorer.js';
// Synthetic but realistic customer emails in eight languages for the acknowledgement benchmark.
// Every text here is written for the benchmark (templated sentences with slots); nothing is read from datasets.
// Deterministic: the same seed gives the same corpus, so runs are comparable.

export const BENCH_LANGUAGES = ['en', 'es', 'de', 'fr', 'pt', 'ru', 'zh', 'id'] as const;
export type BenchLanguage = (typeof BENCH_LANGUAGES)[number];

interface LanguageKit {
  names: string[];
  products: string[];
  subjects: string[];
  greetings: string[];
  problems: string[];
  details: string[];
  asks: string[];
  closings: string[];
}

// Slots: {order} {product} {days} {date} {amount} {name}
const KITS: Record<BenchLanguage, LanguageKit> = {
  en: {
    names: ['Emily Carter', 'James Walker', 'Olivia Bennett', 'Daniel Hughes', 'Sophie Turner', 'Michael Reed'],
    products: ['blue desk lamp', 'wireless headphones', 'running shoes', 'coffee grinder', 'winter jacket', 'phone case'],
    subjects: ['Where is my order {order}?', 'Refund request for order {order}', 'Problem with my {product}', 'Wrong item delivered', 'Cannot log in to my account', 'Question about my invoice'],
    greetings: ['Hello,', 'Hi there,', 'Dear support team,', 'Good morning,'],
    problems: [
      'I ordered a {product} {days} days ago (order {order}) and it still has not arrived.',
      'The {product} I received on {date} stopped working after two days.',
      'I was charged {amount} twice for order {order}.',
      'The parcel arrived today but it contains a different item instead of the {product}.',
      'Since yesterday I cannot log in; the password reset email never arrives.',
    ],
    details: [
      'The tracking page has shown "in transit" for a week without any update.',
      'I already tried switching it off and on again and charging it overnight.',
      'My bank statement shows both payments on the same day.',
      'I have attached a photo of the label and the box.',
      'I checked the spam folder as well, nothing there.',
    ],
    asks: [
      'Could you please tell me when I can expect it?',
      'I would like a refund or a replacement, whichever is faster.',
      'Please let me know what I should do next.',
      'Can you check what happened and get back to me?',
    ],
    closings: ['Thanks in advance,', 'Kind regards,', 'Best wishes,', 'Thank you,'],
  },
  es: {
    names: ['María López', 'Javier Fernández', 'Lucía Martínez', 'Carlos Sánchez', 'Elena Gómez', 'Pablo Ruiz'],
    products: ['lámpara de escritorio', 'auriculares inalámbricos', 'zapatillas de correr', 'molinillo de café', 'chaqueta de invierno', 'funda del móvil'],
    subjects: ['¿Dónde está mi pedido {order}?', 'Solicitud de reembolso del pedido {order}', 'Problema con mi {product}', 'He recibido un artículo equivocado', 'No puedo acceder a mi cuenta', 'Duda sobre mi factura'],
    greetings: ['Hola,', 'Buenos días,', 'Estimado equipo de atención al cliente:', 'Buenas tardes,'],
    problems: [
      'Hice un pedido de una {product} hace {days} días (pedido {order}) y todavía no ha llegado.',
      'La {product} que recibí el {date} dejó de funcionar a los dos días.',
      'Me han cobrado {amount} dos veces por el pedido {order}.',
      'El paquete llegó hoy, pero dentro había otro artículo en lugar de la {product}.',
      'Desde ayer no puedo iniciar sesión y nunca me llega el correo para restablecer la contraseña.',
    ],
    details: [
      'El seguimiento indica "en tránsito" desde hace una semana sin ninguna novedad.',
      'Ya he probado a apagarlo y encenderlo y a cargarlo toda la noche.',
      'En mi extracto bancario aparecen los dos cargos el mismo día.',
      'Adjunto una foto de la etiqueta y de la caja.',
      'También he revisado la carpeta de correo no deseado y no hay nada.',
    ],
    asks: [
      '¿Podrían decirme cuándo lo voy a recibir?',
      'Me gustaría un reembolso o un cambio, lo que sea más rápido.',
      'Por favor, indíquenme qué debo hacer ahora.',
      '¿Pueden revisar qué ha pasado y responderme?',
    ],
    closings: ['Gracias de antemano,', 'Un saludo,', 'Saludos cordiales,', 'Muchas gracias,'],
  },
  de: {
    names: ['Anna Müller', 'Lukas Schneider', 'Julia Becker', 'Felix Wagner', 'Katrin Hoffmann', 'Jonas Schäfer'],
    products: ['Schreibtischlampe', 'kabellosen Kopfhörer', 'Laufschuhe', 'Kaffeemühle', 'Winterjacke', 'Handyhülle'],
    subjects: ['Wo bleibt meine Bestellung {order}?', 'Rückerstattung für Bestellung {order}', 'Problem mit meiner {product}', 'Falscher Artikel geliefert', 'Ich kann mich nicht anmelden', 'Frage zu meiner Rechnung'],
    greetings: ['Hallo,', 'Guten Tag,', 'Sehr geehrte Damen und Herren,', 'Liebes Support-Team,'],
    problems: [
      'Ich habe vor {days} Tagen eine {product} bestellt (Bestellung {order}), aber sie ist immer noch nicht angekommen.',
      'Die {product}, die ich am {date} erhalten habe, funktioniert nach zwei Tagen nicht mehr.',
      'Mir wurden für die Bestellung {order} zweimal {amount} abgebucht.',
      'Das Paket kam heute an, aber statt der {product} war ein anderer Artikel darin.',
      'Seit gestern kann ich mich nicht mehr anmelden, und die E-Mail zum Zurücksetzen des Passworts kommt nie an.',
    ],
    details: [
      'Die Sendungsverfolgung zeigt seit einer Woche nur "unterwegs" ohne jede Änderung.',
      'Ich habe das Gerät bereits aus- und wieder eingeschaltet und über Nacht geladen.',
      'Auf meinem Kontoauszug stehen beide Abbuchungen am selben Tag.',
      'Ein Foto vom Etikett und vom Karton habe ich angehängt.',
      'Im Spam-Ordner habe ich auch nachgesehen, dort ist nichts.',
    ],
    asks: [
      'Können Sie mir bitte sagen, wann ich mit der Lieferung rechnen kann?',
      'Ich hätte gern eine Erstattung oder einen Ersatz, je nachdem, was schneller geht.',
      'Bitte teilen Sie mir mit, was ich jetzt tun soll.',
      'Könnten Sie prüfen, was passiert ist, und sich bei mir melden?',
    ],
    closings: ['Vielen Dank im Voraus,', 'Mit freundlichen Grüßen,', 'Viele Grüße,', 'Danke und beste Grüße,'],
  },
  fr: {
    names: ['Camille Dubois', 'Julien Moreau', 'Chloé Laurent', 'Nicolas Girard', 'Manon Lefèvre', 'Thomas Roux'],
    products: ['lampe de bureau', 'casque sans fil', 'chaussures de course', 'moulin à café', 'veste d’hiver', 'coque de téléphone'],
    subjects: ['Où en est ma commande {order} ?', 'Demande de remboursement pour la commande {order}', 'Problème avec ma {product}', 'Mauvais article reçu', 'Impossible de me connecter à mon compte', 'Question sur ma facture'],
    greetings: ['Bonjour,', 'Bonsoir,', 'Madame, Monsieur,', 'Chère équipe du service client,'],
    problems: [
      'J’ai commandé une {product} il y a {days} jours (commande {order}) et je ne l’ai toujours pas reçue.',
      'La {product} reçue le {date} ne fonctionne plus depuis deux jours.',
      'J’ai été débité deux fois de {amount} pour la commande {order}.',
      'Le colis est arrivé aujourd’hui, mais il contient un autre article à la place de la {product}.',
      'Depuis hier, je ne peux plus me connecter et l’e-mail de réinitialisation du mot de passe n’arrive jamais.',
    ],
    details: [
      'Le suivi indique « en cours d’acheminement » depuis une semaine, sans aucune mise à jour.',
      'J’ai déjà essayé de l’éteindre, de le rallumer et de le charger toute la nuit.',
      'Mon relevé bancaire montre les deux prélèvements le même jour.',
      'Vous trouverez en pièce jointe une photo de l’étiquette et du carton.',
      'J’ai aussi vérifié le dossier des courriers indésirables, il n’y a rien.',
    ],
    asks: [
      'Pourriez-vous me dire quand je peux espérer la recevoir ?',
      'Je souhaiterais un remboursement ou un échange, selon ce qui est le plus rapide.',
      'Merci de m’indiquer la marche à suivre.',
      'Pouvez-vous vérifier ce qui s’est passé et revenir vers moi ?',
    ],
    closings: ['Merci d’avance,', 'Cordialement,', 'Bien à vous,', 'Merci beaucoup,'],
  },
  pt: {
    names: ['Ana Souza', 'João Oliveira', 'Beatriz Costa', 'Rafael Almeida', 'Mariana Pereira', 'Tiago Rodrigues'],
    products: ['luminária de mesa', 'fones de ouvido sem fio', 'tênis de corrida', 'moedor de café', 'jaqueta de inverno', 'capinha de celular'],
    subjects: ['Onde está o meu pedido {order}?', 'Pedido de reembolso do pedido {order}', 'Problema com a minha {product}', 'Recebi o produto errado', 'Não consigo acessar a minha conta', 'Dúvida sobre a minha fatura'],
    greetings: ['Olá,', 'Bom dia,', 'Prezada equipe de atendimento,', 'Boa tarde,'],
    problems: [
      'Fiz o pedido de uma {product} há {days} dias (pedido {order}) e até agora não chegou.',
      'A {product} que recebi no dia {date} parou de funcionar depois de dois dias.',
      'Fui cobrado duas vezes no valor de {amount} pelo pedido {order}.',
      'A encomenda chegou hoje, mas veio outro produto no lugar da {product}.',
      'Desde ontem não consigo entrar na minha conta e o e-mail para redefinir a senha nunca chega.',
    ],
    details: [
      'O rastreamento mostra "em trânsito" há uma semana, sem nenhuma atualização.',
      'Já tentei desligar e ligar de novo e deixei carregando a noite inteira.',
      'No meu extrato aparecem as duas cobranças no mesmo dia.',
      'Envio em anexo uma foto da etiqueta e da caixa.',
      'Também verifiquei a pasta de spam e não há nada lá.',
    ],
    asks: [
      'Vocês poderiam me informar quando vou receber?',
      'Gostaria de um reembolso ou de uma troca, o que for mais rápido.',
      'Por favor, me digam o que devo fazer agora.',
      'Podem verificar o que aconteceu e me responder?',
    ],
    closings: ['Desde já agradeço,', 'Atenciosamente,', 'Abraços,', 'Obrigada,'],
  },
  ru: {
    names: ['Анна Иванова', 'Дмитрий Смирнов', 'Екатерина Кузнецова', 'Алексей Попов', 'Ольга Соколова', 'Сергей Новиков'],
    products: ['настольную лампу', 'беспроводные наушники', 'кроссовки для бега', 'кофемолку', 'зимнюю куртку', 'чехол для телефона'],
    subjects: ['Где мой заказ {order}?', 'Возврат денег за заказ {order}', 'Проблема с товаром: {product}', 'Прислали не тот товар', 'Не могу войти в личный кабинет', 'Вопрос по счёту'],
    greetings: ['Здравствуйте!', 'Добрый день!', 'Уважаемая служба поддержки!', 'Доброе утро!'],
    problems: [
      'Я заказал {product} {days} дней назад (заказ {order}), но посылка до сих пор не пришла.',
      'Товар, который я получил {date}, перестал работать через два дня.',
      'С меня дважды списали {amount} за заказ {order}.',
      'Посылка пришла сегодня, но внутри оказался другой товар вместо того, что я заказывал.',
      'Со вчерашнего дня не могу войти в аккаунт, а письмо для сброса пароля так и не приходит.',
    ],
    details: [
      'Отслеживание уже неделю показывает «в пути» без каких-либо изменений.',
      'Я уже пробовал выключить и снова включить устройство и заряжал его всю ночь.',
      'В банковской выписке оба списания стоят в один день.',
      'Прикладываю фотографию этикетки и коробки.',
      'Папку «Спам» я тоже проверил, там ничего нет.',
    ],
    asks: [
      'Подскажите, пожалуйста, когда ждать доставку?',
      'Прошу вернуть деньги или заменить товар — как будет быстрее.',
      'Сообщите, пожалуйста, что мне делать дальше.',
      'Не могли бы вы проверить, что произошло, и ответить мне?',
    ],
    closings: ['Заранее спасибо,', 'С уважением,', 'Спасибо,', 'Всего доброго,'],
  },
  zh: {
    names: ['王芳', '李伟', '张敏', '刘洋', '陈静', '杨磊'],
    products: ['台灯', '无线耳机', '跑步鞋', '咖啡研磨机', '冬季外套', '手机壳'],
    subjects: ['我的订单{order}在哪里？', '订单{order}退款申请', '{product}有问题', '收到的商品不对', '无法登录我的账户', '关于发票的问题'],
    greetings: ['您好，', '你好，', '尊敬的客服：', '客服您好，'],
    problems: [
      '我在{days}天前订购了一个{product}（订单号{order}），到现在还没有收到。',
      '我在{date}收到的{product}用了两天就坏了。',
      '订单{order}被重复扣款了两次，每次{amount}。',
      '今天收到了包裹，但里面不是我订的{product}，而是别的商品。',
      '从昨天开始我就无法登录，重置密码的邮件也一直收不到。',
    ],
    details: [
      '物流信息已经一个星期显示“运输中”，没有任何更新。',
      '我已经试过关机重启，也充了一整晚的电。',
      '银行账单上两笔扣款是同一天的。',
      '我附上了快递标签和包装盒的照片。',
      '垃圾邮件文件夹我也查看过了，什么都没有。',
    ],
    asks: [
      '请问我大概什么时候能收到？',
      '我希望退款或者换货，哪个快就选哪个。',
      '请告诉我接下来应该怎么做。',
      '麻烦帮我查一下是怎么回事，并尽快回复我。',
    ],
    closings: ['先谢谢了！', '谢谢！', '此致敬礼', '期待您的回复，'],
  },
  id: {
    names: ['Siti Rahmawati', 'Budi Santoso', 'Dewi Lestari', 'Agus Pratama', 'Rina Wulandari', 'Andi Saputra'],
    products: ['lampu meja', 'headphone nirkabel', 'sepatu lari', 'penggiling kopi', 'jaket musim dingin', 'casing ponsel'],
    subjects: ['Di mana pesanan saya {order}?', 'Permintaan pengembalian dana pesanan {order}', 'Masalah dengan {product} saya', 'Barang yang dikirim salah', 'Tidak bisa masuk ke akun saya', 'Pertanyaan tentang tagihan saya'],
    greetings: ['Halo,', 'Selamat pagi,', 'Kepada tim layanan pelanggan,', 'Selamat siang,'],
    problems: [
      'Saya memesan {product} {days} hari yang lalu (pesanan {order}) dan sampai sekarang belum sampai.',
      '{product} yang saya terima pada tanggal {date} sudah tidak berfungsi setelah dua hari.',
      'Saya ditagih {amount} dua kali untuk pesanan {order}.',
      'Paketnya datang hari ini, tetapi isinya barang lain, bukan {product} yang saya pesan.',
      'Sejak kemarin saya tidak bisa masuk, dan email untuk mengatur ulang kata sandi tidak pernah datang.',
    ],
    details: [
      'Pelacakan paket sudah seminggu menunjukkan "dalam perjalanan" tanpa pembaruan apa pun.',
      'Saya sudah mencoba mematikan dan menyalakannya lagi serta mengisi dayanya semalaman.',
      'Di rekening koran saya, kedua tagihan muncul pada hari yang sama.',
      'Saya lampirkan foto label dan kotaknya.',
      'Saya juga sudah memeriksa folder spam, tetapi tidak ada apa-apa.',
    ],
    asks: [
      'Bisakah Anda memberi tahu kapan barangnya akan sampai?',
      'Saya ingin pengembalian dana atau penggantian, mana yang lebih cepat.',
      'Mohon beri tahu saya apa yang harus saya lakukan selanjutnya.',
      'Tolong dicek apa yang terjadi dan kabari saya.',
    ],
    closings: ['Terima kasih sebelumnya,', 'Salam,', 'Hormat saya,', 'Terima kasih,'],
  },
};

const MONEY: Record<BenchLanguage, (n: number) => string> = {
  en: (n) => `$${n}.99`,
  es: (n) => `${n},99 €`,
  de: (n) => `${n},99 €`,
  fr: (n) => `${n},99 €`,
  pt: (n) => `R$ ${n},90`,
  ru: (n) => `${n * 90} ₽`,
  zh: (n) => `${n * 7}元`,
  id: (n) => `Rp${n * 15}.000`,
};

export { rng };

export interface BenchEmail {
  index: number;
  language: BenchLanguage;
  /** Without angle brackets. */
  messageId: string;
  from: string;
  to: string;
  raw: Buffer;
}

const needsEncoding = (s: string) => /[^\x20-\x7e]/.test(s);
/** RFC 2047 B-encoding for non-ASCII header text, as real mail clients write it. */
function encodeWord(s: string): string {
  return needsEncoding(s) ? `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=` : s;
}
function quotedPrintable(s: string): string {
  const bytes = Buffer.from(s.replace(/\r?\n/g, '\n'), 'utf8');
  const lines: string[] = [];
  let line = '';
  for (const b of bytes) {
    let piece: string;
    if (b === 0x0a) {
      lines.push(line);
      line = '';
      continue;
    }
    piece = (b >= 33 && b <= 126 && b !== 61) || b === 32 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.map((l) => l.replace(/ $/, '=20')).join('\r\n');
}
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `count` customer emails, languages round-robin (so each language gets count/8), each with a unique Message-ID
 * and a distinct sender (customer{i}@bench.test, so the per-sender acknowledgement cap never applies).
 * About a third are multipart/alternative (text + HTML) and a third quoted-printable, as real clients send them.
 */
export function generateCorpus(count: number, opts: { seed?: number; runTag?: string; to?: string } = {}): BenchEmail[] {
  const rand = rng(opts.seed ?? 20_240_601);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const tag = opts.runTag ?? 'run';
  const to = opts.to ?? 'support@firstreply.local';
  const out: BenchEmail[] = [];
  for (let i = 0; i < count; i++) {
    const language = BENCH_LANGUAGES[i % BENCH_LANGUAGES.length]!;
    const kit = KITS[language];
    const name = pick(kit.names);
    const order = `${String.fromCharCode(65 + Math.floor(rand() * 26))}${100000 + Math.floor(rand() * 900000)}`;
    const day = 1 + Math.floor(rand() * 27);
    const slots: Record<string, string> = {
      order,
      product: pick(kit.products),
      days: String(3 + Math.floor(rand() * 12)),
      date: language === 'zh' ? `5月${day}日` : language === 'en' ? `May ${day}` : `${day}.05.`,
      amount: MONEY[language](19 + Math.floor(rand() * 180)),
    };
    const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? k);
    const subject = fill(pick(kit.subjects));
    const sentences = [fill(pick(kit.problems)), fill(pick(kit.details))];
    if (rand() < 0.5) sentences.push(fill(pick(kit.details.filter((d) => !sentences.includes(fill(d))))));
    sentences.push(fill(pick(kit.asks)));
    const joiner = language === 'zh' ? '' : ' ';
    const paragraphs = [pick(kit.greetings), sentences.join(joiner), `${pick(kit.closings)}\n${name}`];
    const text = paragraphs.join('\n\n');
    const from = `customer${i}@bench.test`;
    const messageId = `bench-${tag}-${i}.${Math.floor(rand() * 1e9).toString(36)}@mail.bench.test`;
    const date = new Date(Date.now() - Math.floor(rand() * 600_000)).toUTCString().replace('GMT', '+0000');

    const head = [
      `From: ${encodeWord(name)} <${from}>`,
      `To: Support <${to}>`,
      `Subject: ${encodeWord(subject)}`,
      `Date: ${date}`,
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      `User-Agent: ${pick(['Thunderbird/115.9.0', 'Apple Mail (2.3774)', 'Microsoft Outlook 16.0', 'K-9 Mail 6.8'])}`,
      `Content-Language: ${language}`,
    ];
    const style = rand();
    let body: string;
    if (style < 0.34) {
      const boundary = `----=_Part_${i}_${Math.floor(rand() * 1e9)}`;
      const html = `<html><body>${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`;
      head.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
      body = [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(text),
        `--${boundary}`,
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        (Buffer.from(html, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    } else if (style < 0.67) {
      head.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
      body = `${quotedPrintable(text)}\r\n`;
    } else {
      head.push('Content-Type: text/plain; charset=utf-8; format=flowed', 'Content-Transfer-Encoding: 8bit');
      body = `${text.replace(/\r?\n/g, '\r\n')}\r\n`;
    }
    out.push({ index: i, language, messageId, from, to, raw: Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'utf8') });
  }
  return out;
}
