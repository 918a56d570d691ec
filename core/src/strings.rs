//! The widget's bundled strings, one array per language, in the order of `i18n::KEYS`. Every
//! language has every string, so a widget never mixes languages.

/// The number of strings per language.
pub const COUNT: usize = 31;

/// English.
pub const EN: [&str; COUNT] = [
    "Was this page helpful?",                                       // q_thumbs
    "How would you rate this page?",                                // q_stars
    "How does this page make you feel?",                            // q_emoji
    "How likely are you to recommend us to a friend or colleague?", // q_nps
    "How satisfied are you with this page?",                        // q_csat
    "Anything you would like to add? (optional)",                   // follow_up
    "What could we do better? (optional)",                          // follow_up_low
    "Thank you for your feedback!",                                 // thank_you
    "Send",                                                         // send
    "No thanks",                                                    // skip
    "Undo",                                                         // undo
    "Your feedback was removed.",                                   // undone
    "Close",                                                        // close
    "Feedback",                                                     // tab
    "Yes",                                                          // yes
    "No",                                                           // no
    "{n} of 5 stars",                                               // star
    "{n} out of 10",                                                // nps_value
    "Not likely",                                                   // nps_low
    "Extremely likely",                                             // nps_high
    "Terrible",                                                     // emoji_1
    "Bad",                                                          // emoji_2
    "Okay",                                                         // emoji_3
    "Good",                                                         // emoji_4
    "Great",                                                        // emoji_5
    "Very unsatisfied",                                             // csat_1
    "Unsatisfied",                                                  // csat_2
    "Neutral",                                                      // csat_3
    "Satisfied",                                                    // csat_4
    "Very satisfied",                                               // csat_5
    "Could not undo. Please try again.",                            // undo_failed
];

/// German.
pub const DE: [&str; COUNT] = [
    "War diese Seite hilfreich?",
    "Wie würden Sie diese Seite bewerten?",
    "Wie gefällt Ihnen diese Seite?",
    "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
    "Wie zufrieden sind Sie mit dieser Seite?",
    "Möchten Sie noch etwas hinzufügen? (optional)",
    "Was können wir besser machen? (optional)",
    "Vielen Dank für Ihr Feedback!",
    "Senden",
    "Nein danke",
    "Rückgängig",
    "Ihr Feedback wurde entfernt.",
    "Schließen",
    "Feedback",
    "Ja",
    "Nein",
    "{n} von 5 Sternen",
    "{n} von 10",
    "Unwahrscheinlich",
    "Äußerst wahrscheinlich",
    "Schrecklich",
    "Schlecht",
    "Okay",
    "Gut",
    "Super",
    "Sehr unzufrieden",
    "Unzufrieden",
    "Neutral",
    "Zufrieden",
    "Sehr zufrieden",
    "Rückgängig machen nicht möglich. Bitte versuchen Sie es erneut.",
];

/// French.
///
/// Uses a no-break space (U+00A0) before `?` and `!`, as French typography requires.
pub const FR: [&str; COUNT] = [
    "Cette page vous a-t-elle été utile ?",
    "Comment évalueriez-vous cette page ?",
    "Que ressentez-vous en consultant cette page ?",
    "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue ?",
    "Quel est votre niveau de satisfaction concernant cette page ?",
    "Souhaitez-vous ajouter quelque chose ? (facultatif)",
    "Que pourrions-nous améliorer ? (facultatif)",
    "Merci pour votre avis !",
    "Envoyer",
    "Non merci",
    "Annuler",
    "Votre avis a été supprimé.",
    "Fermer",
    "Votre avis",
    "Oui",
    "Non",
    "{n} sur 5 étoiles",
    "{n} sur 10",
    "Peu probable",
    "Extrêmement probable",
    "Horrible",
    "Mauvais",
    "Correct",
    "Bien",
    "Excellent",
    "Très insatisfait",
    "Insatisfait",
    "Neutre",
    "Satisfait",
    "Très satisfait",
    "Impossible d’annuler. Veuillez réessayer.",
];

/// Spanish.
pub const ES: [&str; COUNT] = [
    "¿Fue útil esta página?",
    "¿Cómo calificaría esta página?",
    "¿Qué le parece esta página?",
    "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
    "¿Cuál es su nivel de satisfacción con esta página?",
    "¿Desea añadir algo más? (opcional)",
    "¿Qué podríamos mejorar? (opcional)",
    "¡Gracias por sus comentarios!",
    "Enviar",
    "No, gracias",
    "Deshacer",
    "Sus comentarios se han eliminado.",
    "Cerrar",
    "Comentarios",
    "Sí",
    "No",
    "{n} de 5 estrellas",
    "{n} de 10",
    "Poco probable",
    "Extremadamente probable",
    "Pésimo",
    "Malo",
    "Regular",
    "Bueno",
    "Excelente",
    "Muy insatisfecho",
    "Insatisfecho",
    "Neutral",
    "Satisfecho",
    "Muy satisfecho",
    "No se pudo deshacer. Inténtelo de nuevo.",
];

/// Portuguese.
pub const PT: [&str; COUNT] = [
    "Esta página foi útil?",
    "Como você avaliaria esta página?",
    "O que você achou desta página?",
    "Qual a probabilidade de você nos recomendar a um amigo ou colega?",
    "Qual o seu nível de satisfação com esta página?",
    "Gostaria de acrescentar algo? (opcional)",
    "O que podemos melhorar? (opcional)",
    "Obrigado pelo seu feedback!",
    "Enviar",
    "Não, obrigado",
    "Desfazer",
    "Seu feedback foi removido.",
    "Fechar",
    "Feedback",
    "Sim",
    "Não",
    "{n} de 5 estrelas",
    "{n} de 10",
    "Pouco provável",
    "Extremamente provável",
    "Péssimo",
    "Ruim",
    "Razoável",
    "Bom",
    "Ótimo",
    "Muito insatisfeito",
    "Insatisfeito",
    "Neutro",
    "Satisfeito",
    "Muito satisfeito",
    "Não foi possível desfazer. Tente novamente.",
];

/// Italian.
pub const IT: [&str; COUNT] = [
    "Questa pagina è stata utile?",
    "Come valuterebbe questa pagina?",
    "Che impressione le fa questa pagina?",
    "Quanto è probabile che ci consigli a un amico o a un collega?",
    "Qual è il suo livello di soddisfazione per questa pagina?",
    "Desidera aggiungere altro? (facoltativo)",
    "Cosa potremmo migliorare? (facoltativo)",
    "Grazie per il feedback!",
    "Invia",
    "No, grazie",
    "Annulla",
    "Il feedback è stato rimosso.",
    "Chiudi",
    "Feedback",
    "Sì",
    "No",
    "{n} su 5 stelle",
    "{n} su 10",
    "Poco probabile",
    "Estremamente probabile",
    "Pessimo",
    "Scarso",
    "Discreto",
    "Buono",
    "Ottimo",
    "Molto insoddisfatto",
    "Insoddisfatto",
    "Neutrale",
    "Soddisfatto",
    "Molto soddisfatto",
    "Impossibile annullare. Riprovare.",
];

/// Dutch.
pub const NL: [&str; COUNT] = [
    "Was deze pagina nuttig?",
    "Hoe zou u deze pagina beoordelen?",
    "Wat vindt u van deze pagina?",
    "Hoe waarschijnlijk is het dat u ons aanbeveelt bij een vriend of collega?",
    "Hoe tevreden bent u over deze pagina?",
    "Wilt u nog iets toevoegen? (optioneel)",
    "Wat kunnen we beter doen? (optioneel)",
    "Bedankt voor uw feedback!",
    "Versturen",
    "Nee, bedankt",
    "Ongedaan maken",
    "Uw feedback is verwijderd.",
    "Sluiten",
    "Feedback",
    "Ja",
    "Nee",
    "{n} van 5 sterren",
    "{n} van 10",
    "Niet waarschijnlijk",
    "Zeer waarschijnlijk",
    "Verschrikkelijk",
    "Slecht",
    "Redelijk",
    "Goed",
    "Geweldig",
    "Zeer ontevreden",
    "Ontevreden",
    "Neutraal",
    "Tevreden",
    "Zeer tevreden",
    "Ongedaan maken is mislukt. Probeer het opnieuw.",
];

/// Japanese.
pub const JA: [&str; COUNT] = [
    "このページは役に立ちましたか？",
    "このページをどのように評価しますか？",
    "このページの印象はいかがですか？",
    "友人や同僚に当社をおすすめする可能性はどのくらいありますか？",
    "このページにどのくらい満足していますか？",
    "ほかにご意見はありますか？（任意）",
    "改善できる点を教えてください。（任意）",
    "フィードバックをありがとうございました！",
    "送信",
    "スキップ",
    "元に戻す",
    "フィードバックを削除しました。",
    "閉じる",
    "フィードバック",
    "はい",
    "いいえ",
    "5つ星のうち{n}",
    "10点中{n}点",
    "可能性は低い",
    "可能性は非常に高い",
    "最悪",
    "悪い",
    "普通",
    "良い",
    "最高",
    "非常に不満",
    "不満",
    "どちらでもない",
    "満足",
    "非常に満足",
    "元に戻せませんでした。もう一度お試しください。",
];

/// Simplified Chinese.
pub const ZH: [&str; COUNT] = [
    "此页面对您有帮助吗？",
    "您如何评价此页面？",
    "此页面给您什么感受？",
    "您向朋友或同事推荐我们的可能性有多大？",
    "您对此页面的满意度如何？",
    "还有其他想补充的吗？（选填）",
    "我们可以在哪些方面做得更好？（选填）",
    "感谢您的反馈！",
    "提交",
    "不用了，谢谢",
    "撤销",
    "您的反馈已移除。",
    "关闭",
    "反馈",
    "是",
    "否",
    "{n} 星（满分 5 星）",
    "{n} 分（满分 10 分）",
    "不太可能",
    "极有可能",
    "很糟糕",
    "不好",
    "一般",
    "好",
    "很棒",
    "非常不满意",
    "不满意",
    "一般",
    "满意",
    "非常满意",
    "无法撤销，请重试。",
];

/// Modern Standard Arabic.
pub const AR: [&str; COUNT] = [
    "هل كانت هذه الصفحة مفيدة؟",
    "كيف تقيّم هذه الصفحة؟",
    "ما شعورك تجاه هذه الصفحة؟",
    "ما مدى احتمال أن توصي بنا لصديق أو زميل؟",
    "ما مدى رضاك عن هذه الصفحة؟",
    "هل تودّ إضافة شيء؟ (اختياري)",
    "ما الذي يمكننا تحسينه؟ (اختياري)",
    "شكرًا لك على ملاحظاتك!",
    "إرسال",
    "لا، شكرًا",
    "تراجع",
    "تمت إزالة ملاحظاتك.",
    "إغلاق",
    "ملاحظات",
    "نعم",
    "لا",
    "{n} من 5 نجوم",
    "{n} من 10",
    "غير محتمل",
    "محتمل للغاية",
    "سيئ جدًا",
    "سيئ",
    "مقبول",
    "جيد",
    "ممتاز",
    "غير راضٍ جدًا",
    "غير راضٍ",
    "محايد",
    "راضٍ",
    "راضٍ جدًا",
    "تعذّر التراجع. يُرجى المحاولة مرة أخرى.",
];

/// Every bundled language with its strings; the first is the fallback.
pub const BUNDLED: [(&str, &[&str; COUNT]); 10] =
    [("en", &EN), ("de", &DE), ("fr", &FR), ("es", &ES), ("pt", &PT), ("it", &IT), ("nl", &NL), ("ja", &JA), ("zh", &ZH), ("ar", &AR)];
