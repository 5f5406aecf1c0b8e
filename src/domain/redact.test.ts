import { describe, expect, it } from 'vitest';
import { namesIn, redactPersonalData } from './redact.js';

describe('redactPersonalData', () => {
  it.each([
    // names: introductions, greetings, signatures
    ['en intro', "Hi, I'm Anna Berg and my parcel is late", "Hi, I'm [name] and my parcel is late"],
    ['en my name is', 'My name is John Smith, where is my order?', 'My name is [name], where is my order?'],
    ['en signature same line', 'Where is my parcel?\nRegards, Tom Müller', 'Where is my parcel?\nRegards, [name]'],
    ['en signature next line', 'Can I pay by invoice?\n\nBest regards,\nSam', 'Can I pay by invoice?\n\nBest regards,\n[name]'],
    ['en greeting with a title', 'Dear Mr. Smith,\nthanks for the reply', 'Dear [name],\nthanks for the reply'],
    ['en greeting to a team stays', 'Hi Support,\nmy card was declined', 'Hi Support,\nmy card was declined'],
    ['de signature', 'Wann kommt mein Paket?\nMit freundlichen Grüßen\nKarl', 'Wann kommt mein Paket?\nMit freundlichen Grüßen\n[name]'],
    ['de greeting', 'Sehr geehrte Frau Müller,\nich habe eine Frage', 'Sehr geehrte [name],\nich habe eine Frage'],
    ['de intro', 'Hallo, mein Name ist Jens Becker. Die Lieferung fehlt.', 'Hallo, mein Name ist [name]. Die Lieferung fehlt.'],
    ['es intro and signature', 'Hola, me llamo María López.\nSaludos,\nMaría', 'Hola, me llamo [name].\nSaludos,\n[name]'],
    ['fr intro and signature', "Bonjour, je m'appelle Pierre Martin.\nCordialement,\nPierre Martin", "Bonjour, je m'appelle [name].\nCordialement,\n[name]"],
    ['ru intro and signature', 'Здравствуйте! Меня зовут Иван Петров.\nС уважением,\nИван', 'Здравствуйте! Меня зовут [name].\nС уважением,\n[name]'],
    ['ru greeting', 'Здравствуйте, Анна!\nГде мой заказ?', 'Здравствуйте, [name]!\nГде мой заказ?'],
    // email addresses
    ['email', 'Please write to anna.berg+shop@example.co.uk instead', 'Please write to [email] instead'],
    ['email in Cyrillic text', 'Мой адрес ivan@mail.ru, ответьте туда', 'Мой адрес [email], ответьте туда'],
    // phone numbers
    ['international phone', 'Call me at +49 170 1234567 please', 'Call me at [phone] please'],
    ['phone after a cue word', 'Telefon: 0170 / 123 45 67', 'Telefon: [phone]'],
    ['US phone', 'my number is (555) 123-4567', 'my number is [phone]'],
    ['ru phone', 'мой телефон 8 (912) 345-67-89', 'мой телефон [phone]'],
    ['es phone', 'Mi móvil es 612 345 678', 'Mi móvil es [phone]'],
    // postal addresses
    ['de street and postcode', 'Lieferadresse: Hauptstraße 12, 10115 Berlin', 'Lieferadresse: [address]'],
    ['en street', 'I live at 221B Baker Street, London NW1 6XE', 'I live at [address], London [address]'],
    ['es street', 'Envíelo a Calle Mayor 12, 28013 Madrid', 'Envíelo a [address]'],
    ['fr street', "J'habite au 12 rue de la Paix, 75002 Paris", "J'habite au [address]"],
    ['ru street', 'Адрес: ул. Ленина, д. 5, кв. 12', 'Адрес: [address]'],
    // order, account and invoice numbers
    ['order with letters', 'Order LH-48213 never arrived', 'Order [order number] never arrived'],
    ['hash number', 'Where is order #12345?', 'Where is order [order number]?'],
    ['de order word', 'Meine Bestellnummer ist 4711234', 'Meine Bestellnummer ist [order number]'],
    ['es invoice', 'la factura FAC2024-0099 está mal', 'la factura [order number] está mal'],
    ['fr order', 'ma commande n° 884213 est incomplète', 'ma commande n° [order number] est incomplète'],
    ['ru order', 'заказ № 556677 не пришёл', 'заказ № [order number] не пришёл'],
    ['iban', 'Refund to DE89 3704 0044 0532 0130 00 please', 'Refund to [account number] please'],
    ['long number alone', 'tracking says 00340434161234567890', 'tracking says [order number]'],
    // amounts
    ['amount with code after', 'I was charged 5000 EUR twice', 'I was charged [amount] twice'],
    ['amount with symbol before', 'It cost €49.90, not $12', 'It cost [amount], not [amount]'],
    ['de amount', 'Ich habe 49,90 € bezahlt', 'Ich habe [amount] bezahlt'],
    ['es amount', 'me cobraron 1.250,00 euros', 'me cobraron [amount]'],
    ['ru amount', 'списали 3 500 руб. дважды', 'списали [amount] дважды'],
  ])('%s', (_name, input, expected) => {
    expect(redactPersonalData(input)).toBe(expected);
  });

  it.each([
    ['a plain question', 'How do I reset my password?'],
    ['dates and times', 'It was due on 2026-12-05 10:30 and on 05.12.2026'],
    ['small numbers and durations', 'I waited 3 weeks for 2 parcels, 30 days return window'],
    ['a year and a model', 'My iPhone 15 from 2024 does not charge'],
    ['capitalised words that are no names', 'I am Unable to log in since Monday. Thanks!'],
    ['German nouns after a greeting line', 'Hallo,\nich habe eine Frage zur Rücksendung'],
    ['Spanish', '¿Cuánto tarda el envío a Canarias?'],
    ['French', 'Comment retourner un article acheté en ligne ?'],
    ['Russian', 'Как вернуть товар, купленный в интернет-магазине?'],
  ])('leaves %s alone', (_name, input) => {
    expect(redactPersonalData(input)).toBe(input);
  });

  it('replaces a name found by its cue everywhere else in the text, and names known from elsewhere', () => {
    expect(redactPersonalData('Can I pay the invoice for Tom Müller in parts? Müller is my husband.\nThanks, Tom Müller'))
      .toBe('Can I pay the invoice for [name] in parts? [name] is my husband.\nThanks, [name]');
    expect(redactPersonalData('Tom Müller needs to know it costs €3.', ['Tom Müller'])).toBe('[name] needs to know it costs [amount].');
    // a display name that is no person's name is not hunted for
    expect(redactPersonalData('The Support Team replied', ['Support Team', 'orders@shop.test'])).toBe('The Support Team replied');
    expect(namesIn("Hi, I'm Anna Berg.\nRegards, Anna")).toEqual(['Anna Berg', 'Anna']);
  });

  it('is idempotent', () => {
    const once = redactPersonalData("Hi, I'm Anna Berg. Order LH-48213, 49,90 €, +49 170 1234567, anna@shop.test\nRegards, Anna");
    expect(once).toBe("Hi, I'm [name]. Order [order number], [amount], [phone], [email]\nRegards, [name]");
    expect(redactPersonalData(once)).toBe(once);
  });
});
