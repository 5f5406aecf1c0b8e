import { describe, expect, it } from 'vitest';
import { customerText, detectLanguage, SUPPORTED_LANGUAGES, templateLanguage } from './language.js';

const samples: [string, string][] = [
  ['en', 'Where is my parcel? I ordered it last week and the tracking has not changed.'],
  ['en', 'I was charged twice for the same order, please refund one of the payments.'],
  ['en', 'Can I change the delivery address on my order?'],
  ['en', 'My password reset link does not work.'],
  ['es', '¿Dónde está mi pedido? Lo compré hace una semana y todavía no ha llegado.'],
  ['es', 'Me han cobrado dos veces el mismo pedido.'],
  ['es', 'Quiero devolver el producto porque llegó roto.'],
  ['es', 'No puedo entrar en mi cuenta, ¿me pueden ayudar?'],
  ['ru', 'Где мой заказ? Я оплатил его неделю назад.'],
  ['ru', 'С моей карты списали деньги дважды.'],
  ['ru', 'Как вернуть товар, если он не подошёл?'],
  ['ru', 'Не могу войти в личный кабинет.'],
  ['zh', '我的订单到哪里了？上周就付款了。'],
  ['zh', '我被扣了两次款，请帮我退一笔。'],
  ['zh', '怎么退货？'],
  ['zh', '我忘记密码了，无法登录。'],
  ['id', 'Paket saya belum sampai, padahal sudah seminggu.'],
  ['id', 'Saya ditagih dua kali untuk pesanan yang sama.'],
  ['id', 'Bagaimana cara mengembalikan barang yang rusak?'],
  ['id', 'Saya tidak bisa masuk ke akun saya.'],
  ['de', 'Wo bleibt meine Bestellung? Ich habe sie letzte Woche aufgegeben.'],
  ['de', 'Mir wurde der Betrag doppelt abgebucht.'],
  ['de', 'Wie kann ich den Artikel zurückschicken?'],
  ['de', 'Ich kann mich nicht mehr in mein Konto einloggen.'],
  ['fr', "Où en est ma commande ? Je l'ai passée la semaine dernière."],
  ['fr', 'On m’a débité deux fois pour la même commande.'],
  ['fr', 'Comment puis-je retourner un article abîmé ?'],
  ['fr', "Je n'arrive plus à me connecter à mon compte."],
  ['pt', 'Onde está a minha encomenda? Fiz o pedido na semana passada.'],
  ['pt', 'Fui cobrado duas vezes pela mesma compra.'],
  ['pt', 'Como faço para devolver um produto com defeito?'],
  ['pt', 'Não consigo entrar na minha conta.'],
];

describe('detectLanguage', () => {
  it.each(samples)('%s: %s', (language, text) => {
    expect(detectLanguage(text).language).toBe(language);
  });

  it('covers every supported language with at least 3 samples', () => {
    for (const lang of SUPPORTED_LANGUAGES) expect(samples.filter(([l]) => l === lang).length).toBeGreaterThanOrEqual(3);
  });

  it.each(['', '   ', 'ok', '?!', '12345', '😀😀', 'Hallo', 'Hola!', 'Спс'])('undetectable %j -> en, unreliable', (text) => {
    expect(detectLanguage(text)).toEqual({ language: 'en', reliable: false });
  });

  it('reports clear sentences as reliable', () => {
    expect(detectLanguage('Wo bleibt meine Bestellung? Ich habe sie letzte Woche aufgegeben.')).toEqual({ language: 'de', reliable: true });
    expect(detectLanguage('我的订单到哪里了？上周就付款了。')).toEqual({ language: 'zh', reliable: true });
  });

  it('accepts a two-character Chinese message', () => {
    expect(detectLanguage('谢谢').language).toBe('zh');
  });

  it('still recognises unsupported languages that are unmistakable', () => {
    expect(detectLanguage('注文した商品がまだ届きません。確認していただけますか。').language).toBe('ja');
    expect(detectLanguage('Il mio ordine non è ancora arrivato, potete controllare?').language).toBe('it');
    expect(detectLanguage('주문한 상품이 아직 도착하지 않았습니다').language).toBe('ko');
  });

  // Short subjects, where a neighbouring language scores almost as high (ELD: Serbian and Bulgarian for Russian).
  it.each([
    ['ru', 'Возврат денег за заказ 5531'],
    ['ru', 'Где мой заказ 12345?'],
    ['ru', 'Проблема с заказом'],
    ['pt', 'Conta bloqueada'],
    ['es', 'Mi pedido no ha llegado'],
    ['id', 'Pesanan saya belum datang'],
    ['zh', '退款'],
    ['ja', 'ありがとう'],
  ])('short %s: %s', (language, text) => {
    expect(detectLanguage(text).language).toBe(language);
  });

  it('reports Malay as Indonesian, the language firstreply answers in', () => {
    expect(detectLanguage('Saya tidak dapat log masuk ke akaun saya, boleh tolong semak?').language).toBe('id');
  });
});

describe('templateLanguage', () => {
  it.each([
    ['de', 'de'], ['pt', 'pt'], ['zh', 'zh'], ['ja', 'en'], ['it', 'en'], ['', 'en'], ['PT-br', 'pt'], ['zh_CN', 'zh'], ['xx', 'en'],
  ])('%j -> %s', (detected, expected) => {
    expect(templateLanguage(detected)).toBe(expected);
  });
});

describe('customerText', () => {
  const cases: [string, string, string, string][] = [
    ['plain', 'Order 123', 'Where is my parcel?', 'Order 123\n\nWhere is my parcel?'],
    ['reply prefixes and our reference are dropped from the subject', 'Re: AW: Fwd: Order 123 [FR-7K3Q9X]', 'Thanks', 'Order 123\n\nThanks'],
    ['gmail attribution', 'x', 'Still waiting.\n\nOn Mon, 23 Nov 2026 at 10:00, Support <help@shop.example> wrote:\n> We received your message.', 'x\n\nStill waiting.'],
    ['wrapped attribution', 'x', 'Still waiting.\n\nOn Mon, 23 Nov 2026 at 10:00, A Very Long Support Name <\nhelp@shop.example> wrote:\n> old', 'x\n\nStill waiting.'],
    ['inline quoted lines removed', 'x', '> question one?\nanswer one\n> question two?\nanswer two', 'x\n\nanswer one\nanswer two'],
    ['original message separator', 'x', 'Any news?\n\n-----Original Message-----\nFrom: help@shop.example\nold text', 'x\n\nAny news?'],
    ['outlook header block', 'x', 'Any news?\n\nFrom: Support <help@shop.example>\nSent: Monday, November 23, 2026 10:00 AM\nTo: me\nSubject: old', 'x\n\nAny news?'],
    ['outlook bold header block (fr)', 'x', 'Des nouvelles ?\n\n*De :* Support\n*Envoyé :* lundi 23 novembre 2026\n*À :* moi', 'x\n\nDes nouvelles ?'],
    ['es attribution', 'x', '¿Alguna novedad?\n\nEl lun, 23 nov 2026 a las 10:00, Soporte (<help@shop.example>) escribió:\n> viejo', 'x\n\n¿Alguna novedad?'],
    ['de attribution', 'x', 'Gibt es Neuigkeiten?\n\nAm 23.11.2026 um 10:00 schrieb Support <help@shop.example>:\n> alt', 'x\n\nGibt es Neuigkeiten?'],
    ['fr attribution', 'x', 'Des nouvelles ?\n\nLe lun. 23 nov. 2026 à 10:00, Support <help@shop.example> a écrit :\n> ancien', 'x\n\nDes nouvelles ?'],
    ['pt attribution', 'x', 'Alguma novidade?\n\nEm seg., 23 de nov. de 2026 às 10:00, Suporte <help@shop.example> escreveu:\n> antigo', 'x\n\nAlguma novidade?'],
    ['ru attribution', 'x', 'Есть новости?\n\n23.11.2026, 10:00, Поддержка написал(а):\n> старое', 'x\n\nЕсть новости?'],
    ['ru gmail attribution', 'x', 'Есть новости?\n\nпн, 23 нояб. 2026 г. в 10:00, Поддержка <help@shop.example>:\n> старое', 'x\n\nЕсть новости?'],
    ['zh attribution', 'x', '有进展吗？\n\n在 2026年11月23日 10:00，客服 <help@shop.example> 写道：\n> 旧的', 'x\n\n有进展吗？'],
    ['id attribution', 'x', 'Ada kabar?\n\nPada Sen, 23 Nov 2026 pukul 10.00, Dukungan <help@shop.example> menulis:\n> lama', 'x\n\nAda kabar?'],
    ['gmail forward', 'x', 'See below.\n\n---------- Forwarded message ---------\nFrom: Shop <a@b.c>', 'x\n\nSee below.'],
    ['outlook underscore rule', 'x', 'Any news?\n\n________________________________\nVon: Support\nGesendet: Montag', 'x\n\nAny news?'],
    ['signature delimiter', 'x', 'Where is my parcel?\n\n-- \nJane Doe\nAcme Ltd', 'x\n\nWhere is my parcel?'],
    ['sent from my iPhone', 'x', 'Where is my parcel?\n\nSent from my iPhone', 'x\n\nWhere is my parcel?'],
    ['localized mobile signatures', 'x', 'Wo ist mein Paket?\nVon meinem iPhone gesendet', 'x\n\nWo ist mein Paket?'],
    ['zh mobile signature', 'x', '包裹在哪里？\n发自我的iPhone', 'x\n\n包裹在哪里？'],
    ['disclaimer', 'x', 'Please call me back.\n\nCONFIDENTIALITY NOTICE: This e-mail is intended only for the addressee.', 'x\n\nPlease call me back.'],
    ['de disclaimer', 'x', 'Bitte rufen Sie zurück.\n\nDiese E-Mail enthält vertrauliche Informationen.', 'x\n\nBitte rufen Sie zurück.'],
    ['customer text mentioning "this email" is kept', 'x', 'This email is about order 123.', 'x\n\nThis email is about order 123.'],
    ['CRLF normalised', 'x', 'line one\r\nline two\r\n\r\n\r\n\r\nline three', 'x\n\nline one\nline two\n\nline three'],
    ['empty subject', '', 'Hello', 'Hello'],
    ['empty everything', '', '', ''],
  ];
  it.each(cases)('%s', (_name, subject, body, expected) => {
    expect(customerText(subject, body)).toBe(expected);
  });

  it('is bounded to 4000 characters', () => {
    expect(customerText('s', 'word '.repeat(5000)).length).toBeLessThanOrEqual(4000);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = customerText('', 'a' + '😀'.repeat(3000));
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(/[\uD800-\uDBFF]$/.test(text)).toBe(false);
  });
});
