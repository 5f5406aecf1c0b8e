import type { SupportedLanguage } from '../../language.js';

export interface SentimentLexicon {
  /** term -> weight: 1 mild ("disappointed"), 2 strong ("terrible"), 3 very strong ("disgusting", "scam"). */
  terms: Record<string, number>;
  /** words that, just before a term, strengthen it ("absolutely unacceptable") */
  intensifiers: string[];
  /** words that, just after a term, strengthen it (Indonesian "parah banget") */
  postIntensifiers?: string[];
  /** words that, just before a term, cancel it ("not angry") */
  negators: string[];
}

/**
 * Negative sentiment is scored, not matched: one mild word is normal in a support request ("disappointed my order
 * is late"), so only a sum over the threshold escalates. Intensifiers multiply a term by 1.5; a negator within the
 * two words before cancels it; "!!"/"!!!" and shouting add 1 when something negative was said.
 */
export const SENTIMENT: Record<SupportedLanguage, SentimentLexicon> = {
  en: {
    terms: {
      unacceptable: 2, 'not acceptable': 2, outrageous: 3, disgusting: 3, disgraceful: 3, appalling: 3, horrible: 2,
      horrendous: 3, terrible: 2, awful: 2, atrocious: 3, worst: 2, pathetic: 3, ridiculous: 2, absurd: 2, useless: 2,
      incompetent: 3, incompetence: 3, unprofessional: 2, scam: 2, scammers: 3, scammed: 2, 'rip-off': 3, ripoff: 3,
      // "fraud" mostly reports a fraudulent charge, which is urgent but not anger at us
      'ripped off': 3, fraud: 1, fraudulent: 1, thieves: 3, liars: 3, lied: 2, furious: 3, angry: 2, livid: 3,
      outraged: 3, 'fed up': 2, 'sick and tired': 3, 'sick of': 2, frustrated: 1, frustrating: 1, annoyed: 1,
      annoying: 1, disappointed: 1, disappointing: 1, upset: 1, hate: 2, shameful: 2, 'shame on you': 3, 'a joke': 1,
      'waste of (time|money)': 2, 'never again': 2, shit: 2, shitty: 3, crap: 2, crappy: 2, bullshit: 3, wtf: 2,
      'what the hell': 2, 'fuck*': 3, damn: 1, 'not happy': 1, 'not satisfied': 1, dissatisfied: 1, unhappy: 1,
      'how dare': 2, nightmare: 2, unbelievable: 1, 'screw you': 3, idiots: 3, morons: 3, garbage: 2,
    },
    intensifiers: [
      'very', 'so', 'absolutely', 'completely', 'totally', 'extremely', 'really', 'utterly', 'incredibly', 'truly',
      'seriously', 'most', 'such', 'beyond', 'super', 'deeply', 'too',
    ],
    negators: [
      'not', 'no', "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "won't", 'cannot', "can't",
      'without', 'nor', 'hardly', 'barely',
    ],
  },
  es: {
    terms: {
      inaceptable: 2, 'no es aceptable': 2, vergonzoso: 2, verguenza: 2, indignante: 3, 'indignad*': 2, horrible: 2,
      terrible: 2, 'pesim*': 2, '(el|la|lo) peor': 2, espantoso: 2, lamentable: 2, 'furios*': 3, 'enfadad*': 2,
      'enojad*': 2, 'cabread*': 3, '(harto|harta|hartos|hartas)': 2, 'estafa*': 3, ladrones: 3, 'mentiros*': 2,
      'me mintieron': 2, 'inutil*': 2, 'incompetent*': 3, 'asquer*': 3, 'decepcionad*': 1, decepcionante: 1,
      '(molesto|molesta)': 1, 'frustrad*': 1, 'ridicul*': 2, 'una broma': 1, 'no estoy (contento|contenta|satisfecho|satisfecha)': 1,
      mierda: 2, 'nunca mas': 2, 'tomadura de pelo': 3, 'desastr*': 2, 'es el colmo': 2, impresentable: 2,
    },
    intensifiers: [
      'muy', 'totalmente', 'absolutamente', 'completamente', 'realmente', 'super', 'extremadamente', 'tan',
      'increiblemente', 'verdaderamente', 'demasiado', 'sumamente',
    ],
    negators: ['no', 'nunca', 'jamas', 'ni', 'sin', 'tampoco'],
  },
  pt: {
    terms: {
      inaceitavel: 2, 'vergonhos*': 2, vergonha: 2, 'pouca vergonha': 3, horrivel: 2, 'pessim*': 2, '(o|a) pior': 2,
      terrivel: 2, 'indignad*': 2, 'revoltad*': 2, revoltante: 3, 'furios*': 3, 'irritad*': 1, 'chatead*': 1,
      'decepcionad*': 1, 'frustrad*': 1, 'absurd*': 2, 'ridicul*': 2, 'um golpe': 3, golpistas: 3, fraude: 2,
      ladroes: 3, 'mentiros*': 2, 'inutil*': 2, 'incompetent*': 3, lixo: 2, merda: 2, 'nunca mais': 2, palhacada: 2,
      descaso: 2, 'nao estou satisfeit*': 1, 'insatisfeit*': 1, desrespeito: 2, 'uma piada': 1, raiva: 2,
      'de saco cheio': 2,
    },
    intensifiers: [
      'muito', 'totalmente', 'absolutamente', 'completamente', 'extremamente', 'realmente', 'tao', 'super', 'bem',
      'muitissimo',
    ],
    postIntensifiers: ['demais'],
    negators: ['nao', 'nunca', 'jamais', 'nem', 'sem'],
  },
  fr: {
    terms: {
      inacceptable: 2, inadmissible: 3, 'scandal*': 3, honteux: 2, honte: 2, lamentable: 2, horrible: 2, terrible: 2,
      "c'est nul": 2, '(le|la) pire': 2, 'catastroph*': 2, deplorable: 2, 'arnaque*': 3, 'escroc*': 3, voleurs: 3,
      menteurs: 3, 'incompetent*': 3, furieux: 3, furieuse: 3, 'en colere': 2, 'enerve*': 1, 'agace*': 1,
      '(decu|decue|decus|decues)': 1, 'decevant*': 1, '(frustre|frustree|frustres|frustrees)': 1, ridicule: 2,
      merde: 2, '(plus jamais|jamais plus)': 2, 'pas content*': 1, 'pas satisfait*': 1, 'mecontent*': 1,
      'foutage de gueule': 3, "n'importe quoi": 1,
    },
    intensifiers: [
      'tres', 'totalement', 'absolument', 'completement', 'vraiment', 'extremement', 'tellement', 'si', 'trop',
      'vachement', 'super', 'profondement',
    ],
    negators: ['pas', 'jamais', 'sans', 'aucun', 'aucune', 'ni', 'ne'],
  },
  de: {
    terms: {
      inakzeptabel: 2, unverschamt: 3, frechheit: 3, 'skandal*': 3, 'katastroph*': 2, furchtbar: 2, schrecklich: 2,
      entsetzlich: 3, miserabel: 2, mies: 1, 'schlechteste*': 2, 'schlimmste*': 2, betrug: 3, 'betruger*': 3,
      abzocke: 3, lacherlich: 2, wutend: 2, 'verargert': 2, sauer: 1, enttauscht: 1, enttauschend: 1, frustriert: 1,
      frustrierend: 1, 'inkompetent*': 3, 'unfahig*': 3, nutzlos: 2, 'nie wieder': 2, zumutung: 3, 'scheiss*': 2,
      sauerei: 2, argerlich: 1, 'nicht zufrieden': 1, unzufrieden: 1, armselig: 2, 'das letzte': 2,
    },
    intensifiers: [
      'sehr', 'total', 'absolut', 'vollig', 'komplett', 'extrem', 'wirklich', 'echt', 'so', 'ausserst', 'unglaublich',
      'voll', 'richtig', 'mega', 'zutiefst', 'hochst', 'absolute', 'absoluten', 'totale', 'totalen',
    ],
    negators: ['nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'ohne'],
  },
  ru: {
    terms: {
      'неприемлем*': 2, 'возмутительн*': 3, 'безобрази*': 3, 'ужас*': 2, 'отвратительн*': 3, 'отвратн*': 3, 'худш*': 2,
      'кошмар*': 2, 'позор*': 2, 'мошенник*': 3, 'обман*': 2, 'некомпетентн*': 3, 'бесполезн*': 1, 'хамств*': 3,
      'издевательств*': 3, 'бесит': 2, 'бесят': 2, 'достали': 2, 'надоело': 1, 'в ярости': 3, 'злюсь': 2, 'зол': 2,
      'разочарован*': 1, 'недовол*': 1, 'возмущ*': 2, 'отстой': 2, 'никогда больше': 2, 'больше никогда': 2,
      'обнаглели': 3, 'наглость': 2, 'беспредел': 3, 'бардак': 2, 'полный бред': 2,
    },
    intensifiers: [
      'очень', 'совершенно', 'абсолютно', 'полностью', 'крайне', 'просто', 'так', 'такой', 'такое', 'такая',
      'настолько', 'невероятно', 'реально', 'действительно', 'максимально', 'самый', 'самое', 'полный', 'полное',
    ],
    negators: ['не', 'нет', 'ни', 'без'],
  },
  zh: {
    terms: {
      不可接受: 3, 无法接受: 3, 無法接受: 3, 不能接受: 3, 太差: 2, 很差: 2, 最差: 2, 极差: 3, 極差: 3, 糟糕: 2, 糟透: 3,
      垃圾: 2, 骗子: 3, 騙子: 3, 欺骗: 2, 欺騙: 2, 诈骗: 3, 詐騙: 3, 愤怒: 2, 憤怒: 2, 生气: 2, 生氣: 2, 气死: 3, 氣死: 3,
      恶心: 2, 噁心: 2, 失望: 1, 不满: 1, 不滿: 1, 离谱: 2, 離譜: 2, 荒唐: 2, 可恶: 2, 可惡: 2, 无语: 1, 無語: 1,
      坑人: 3, 混蛋: 3, 过分: 2, 過分: 2, 烂透: 3, 爛透: 3, 差劲: 2, 差勁: 2, 忍无可忍: 3, 忍無可忍: 3, 受够: 2, 受夠: 2,
    },
    intensifiers: ['非常', '太', '很', '特别', '特別', '十分', '极其', '極其', '真的', '真', '超级', '超級', '超', '完全', '实在', '實在', '好'],
    postIntensifiers: ['极了', '極了', '透了'],
    negators: ['不', '没有', '沒有', '没', '沒', '别', '別', '非', '无', '無', '未', '并不', '並不'],
  },
  id: {
    terms: {
      'tidak (bisa|dapat) diterima': 2, keterlaluan: 3, parah: 2, buruk: 1, terburuk: 2, 'paling buruk': 2,
      mengecewakan: 1, kecewa: 1, marah: 2, kesal: 1, jengkel: 1, penipu: 3, penipuan: 3, bohong: 2, pembohong: 3,
      'tidak becus': 3, payah: 2, sampah: 2, memalukan: 2, 'tidak profesional': 2, menyebalkan: 2, brengsek: 3,
      bangsat: 3, 'tidak puas': 1, kapok: 2, benci: 2, muak: 2, geram: 2, goblok: 3,
    },
    intensifiers: ['sangat', 'benar-benar', 'sungguh', 'amat', 'terlalu', 'begitu', 'super', 'bener-bener'],
    postIntensifiers: ['banget', 'bgt', 'sekali', 'skali'],
    negators: ['tidak', 'tak', 'bukan', 'belum', 'tanpa', 'gak', 'nggak', 'enggak', 'ga', 'ndak'],
  },
};

/** The sum of sentiment weights from which a message counts as strongly negative. */
export const NEGATIVE_SENTIMENT_THRESHOLD = 3;
