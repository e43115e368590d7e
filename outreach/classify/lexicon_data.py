"""Phrase lexicons of the rule layer, per intent and language: data only.

Matched by ``lexicon.py``. Every pattern is a regular expression matched against *folded* text
(see ``text.fold``): lower-case, no diacritics, ``ß`` -> ``ss``, typographic quotes unified. So
write ``zuruck`` not ``zurück``, ``reunion`` not ``reunión``, ``ligacao`` not ``ligação``.
Patterns are wrapped in word boundaries when compiled. Languages: en, de, fr, es, pt, nl.
"""

from __future__ import annotations

LANGS = ("en", "de", "fr", "es", "pt", "nl")

# Shared fragments -----------------------------------------------------------------------------
_ME_EN = r"(?:me|us|my (?:e-?mail|address)|this (?:e-?mail|address)|our (?:e-?mail|address|team))"
_EMAILING = r"(?:e-?mailing|emailing|mailing|contacting|messaging|writing to|spamming|sending)"
_WEEKDAY_EN = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_TIME = r"(?:\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2})"
_WEEKDAY_DE = r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
_WEEKDAY_FR = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_WEEKDAY_ES = r"(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
_WEEKDAY_PT = r"(?:segunda|terca|quarta|quinta|sexta)(?:-feira)?|sabado|domingo"
_WEEKDAY_NL = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"

LEXICON: dict[str, dict[str, list[str]]] = {
    # ------------------------------------------------------------------ unsubscribe (wins all)
    "unsubscribe": {
        "en": [
            r"(?:remove|removed|removing|take|taken|delete|deleted|erase|unsubscribe|unsubscribed"
            r"|drop|dropped|exclude|excluded)(?: me| us)?"
            # not a disclaimer's "remove any copies (of this message) from your system"
            r"(?! (?:any |all )?(?:copies|copy|this (?:e-?mail|message)|the message|it)\b)"
            r"[\w ]{0,25} (?:from|off) (?:your|the|this"
            r"|these|all|any|my)[\w ]{0,20} (?:list|lists|outreach|database|sequence|sequences"
            r"|campaign|campaigns|mailings?|e-?mails?|crm|system|contacts|distribution)",
            r"(?:stop|quit|cease) (?:sending|emailing|e-mailing|contacting|messaging|writing"
            r"|spamming)(?: me| us)?",
            r"(?:don't|do not|dont) (?:want|wish) (?:to (?:receive|get|hear)|any) (?:any )?(?:more"
            r"|further|additional)?",
            r"unsubscribe(?: me)?",
            r"remove " + _ME_EN + r"(?: from (?:your|this|the|all)[\w ]{0,20}(?:list|lists|"
            r"database|sequence|campaign|mailings?|emails?))?",
            r"take " + _ME_EN + r" off",
            r"(?:please )?(?:stop|quit|cease) " + _EMAILING,
            r"stop (?:sending|with the) (?:me |us )?(?:these |your |the )?(?:e-?mails?|messages)",
            r"(?:do not|don't|dont|never) (?:e-?mail|contact|message|write to|spam|email) "
            r"(?:me|us|this address)(?: again| anymore| any more| further)?",
            r"(?:don't|do not|dont) (?:send|want) (?:me |us )?(?:any )?(?:more|further) "
            r"(?:e-?mails?|messages|emails)",
            r"no (?:more|further) (?:e-?mails?|emails|messages|contact)",
            r"(?:don't|do not|dont|stop|quit) send(?:ing)? (?:me|us) (?:any ?more|more|further"
            r"|these|"
            r"this|such|your)",
            r"opt(?:-| )?(?:me|us) out",
            r"(?:please |i'd like to |i want to |i wish to |i would like to |kindly )opt(?:-|"
            r" )?out",
            r"^\s*opt(?:-| )?out[.!]*\s*$",
            r"opt(?:-| )?out of (?:this|these|your|all|future|further|any|the) (?:list|e-?mails?|"
            r"mailing|communications?|messages|marketing|sequence|campaign|outreach)",
            r"(?:stop|leave me alone|cease and desist)[.!]*$",
            r"delete (?:my|our) (?:data|details|e-?mail|contact|information)",
            r"off (?:of )?your (?:mailing )?list",
            r"(?:remove|delete|erase) (?:my|this|our) (?:e-?mail|address|contact)",
            r"do not contact",
            r"not to (?:e-?mail|contact) (?:me|us)",
            r"^\s*(?:please )?remove(?: me| us)?(?: please)?[.!]*\s*$",
        ],
        "de": [
            r"(?:keine|nicht) (?:\w+ ){0,2}(?:e-?mails?|mails|nachrichten|werbung|post|zusendungen"
            r"|anfragen) mehr",
            r"(?:abgemeldet|ausgetragen|entfernt|geloscht) werden",
            r"(?:bitte )?(?:von|aus) (?:ihrem|ihrer|dem|der|eurem|eurer|diesem)[\w ]{0,25}"
            r"(?:verteiler|liste|mailingliste|newsletter|datenbank|adressliste)"
            r" (?:nehmen|entfernen|streichen|loschen|austragen)",
            r"(?:tragen|nehmen) sie mich[\w ]{0,25}(?:aus|raus|heraus|von)",
            r"(?:bitte )?(?:austragen|abmelden|abbestellen)",
            r"(?:mich|uns) (?:bitte )?(?:austragen|abmelden|entfernen|loschen|streichen)",
            r"(?:keine|nicht) (?:weiteren?|mehr) (?:e-?mails?|mails|nachrichten|kontaktaufnahme|"
            r"zusendungen|werbung|anschreiben)",
            r"(?:schreiben|kontaktieren|mailen|anschreiben) sie (?:mich|uns) (?:bitte )?"
            r"(?:nicht mehr|nie wieder|nicht wieder|kunftig nicht)",
            r"horen sie auf(?:,)? (?:mir|uns) zu (?:schreiben|mailen)",
            r"(?:meine|unsere) (?:daten|e-?mail-?adresse|adresse|kontaktdaten) (?:bitte )?"
            r"(?:loschen|entfernen)",
            r"widerspreche (?:der|jeder)",
            r"widerspreche[\w ]{0,20} (?:der|jeder) (?:nutzung|verarbeitung|verwendung|werbung)",
            r"(?:loschung|entfernung) (?:meiner|unserer) (?:daten|kontaktdaten|e-?mail-?adresse"
            r"|adresse)",
            r"(?:loschen|entfernen|streichen) sie (?:mich|uns|meine (?:adresse|"
            r"e-?mail-?adresse|e-?mail|daten|kontaktdaten))(?! nicht)(?! aus (?:dem |der )?cc)",
            # "nehmen Sie mich aus dem Verteiler", not "... in Ihren Verteiler auf"
            r"(?:nehmen|tragen) sie (?:mich|uns|meine (?:adresse|e-?mail-?adresse|e-?mail|daten"
            r"|kontaktdaten)) (?:bitte |doch |umgehend |sofort )?(?:aus|raus|heraus|von)",
            r"(?:aus|von) (?:ihrem|ihrer|dem|der|eurem|eurer|diesem|ihren) (?:e-?mail-?)?"
            r"(?:verteiler|"
            r"mailingliste|newsletter|adressliste|kontaktliste)",
        ],
        "fr": [
            r"(?:ne plus|plus) (?:recevoir|etre contacte|etre sollicite)",
            r"(?:retire|retiree|supprime|supprimee|desinscrit|desinscrite) de (?:votre|vos|la"
            r"|cette)",
            r"(?:me |nous )?desabonner",
            r"(?:me |nous )?desinscrire",
            r"desinscription",
            r"desabonnement",
            r"(?:retirez|supprimez|enlevez|effacez)(?:-| )(?:moi|nous)",
            r"(?:retirer|supprimer|enlever) (?:mon|notre) (?:adresse|e-?mail|contact)",
            r"(?:ne )?(?:plus|pas) me (?:contacter|recontacter|relancer|solliciter|ecrire|envoyer)",
            r"(?:arretez|cessez) de (?:m'|nous )?(?:ecrire|envoyer|contacter|relancer|spammer)",
            r"(?:ne m'ecrivez|ne me contactez|ne nous contactez|ne m'envoyez) plus",
            r"de votre (?:liste|fichier|base)",
        ],
        "es": [
            r"(?:dejad|dejes|dejar|deja|dejen|deje|parad|paren|pare) de (?:enviar|escribir|mandar"
            r"|contactar|molestar)(?:me|nos)?",
            r"(?:no|ya no) (?:quiero|queremos) (?:recibir|que me|que nos|mas)",
            r"(?:elimin|borr|quit|sac)(?:a|e|en|ar|ad|as)(?:me|nos) (?:de|del)"
            r"(?! (?:una|la|esta|unas|las) dudas?)",
            r"(?:de|del) (?:tu|su|vuestra|la) (?:lista de (?:correo|distribucion|contactos)|base"
            r" de datos|mailing)",
            r"(?:darme|dame|denme|darnos) de baja",
            r"(?:dar|dejar) de baja",
            r"baja de (?:la|su|tu|vuestra) (?:lista|base)",
            r"(?:eliminen|eliminar|borren|borrar|quiten|quitar|saquen|sacar)"
            r"(?:me|nos)? (?:mi|nuestro|nuestra|de (?:su|tu|la)|este) ?(?:correo|email|direccion|"
            r"lista|base de datos|contacto|datos)",
            r"(?:eliminen|eliminar|borren|quiten|saquen)(?:me|nos)",
            r"no (?:me |nos )?(?:vuelvan|vuelvas|vuelva) a (?:escribir|contactar|enviar)",
            r"(?:dejen|deja|deje) de (?:escribirme|enviarme|contactarme|escribirnos|enviarnos|"
            r"contactarnos|mandarme|mandarnos|escribir|enviar)",
            r"no (?:me |nos )?(?:escriban|escribas|contacten|contactes|envien|envies|manden|mandes)"
            r" (?:mas|nunca)",
            r"no (?:quiero|queremos) recibir (?:mas )?(?:correos|emails|mensajes)",
            r"(?:desuscribir(?:me|nos)?|desuscripcion|darse de baja)",
        ],
        "pt": [
            r"(?:parem|pare|para|deixem|deixe|deixa) de (?:me |nos )?(?:enviar|mandar|escrever"
            r"|contatar|contactar|incomodar)",
            r"(?:nao|ja nao) (?:quero|queremos) (?:receber|mais|que)",
            r"descadastr(?:ar|e|em|a)(?:-me| me)?",
            r"(?:me |nos )?descadastrar",
            r"(?:remov|exclu|tir|retir|apag)(?:a|am|er|ir|ar|e|em)(?:-me|-nos| me| nos)?"
            r" (?:da|de|dessa|desta|do) (?:sua |vossa |)(?:lista|base|mailing|cadastro)",
            r"(?:remov|exclu|retir|apag)(?:a|am|er|ir|ar|e)(?:m)? (?:o )?(?:meu|nosso) "
            r"(?:e-?mail|contato|contacto|endereco)",
            r"(?:parem|pare|deixem|deixe) de (?:me |nos )?(?:enviar|mandar|escrever|contatar|"
            r"contactar)",
            r"nao (?:me |nos )?(?:enviem|envie|mandem|mande|escrevam|escreva|contatem|contate|"
            r"contactem|procurem) mais",
            r"nao (?:quero|queremos) (?:mais )?receber",
            r"cancelar (?:a )?(?:inscricao|subscricao|assinatura)",
            r"(?:anular|cancelar) (?:a )?subscricao",
            r"(?:me |nos )?tire(?:m)? (?:da|dessa|desta) lista",
        ],
        "nl": [
            r"afgemeld",
            r"(?:wil|willen) (?:graag )?(?:afgemeld|uitgeschreven|verwijderd) (?:worden|zijn)",
            r"(?:geen|niet) (?:\w+ ){0,2}(?:e-?mails?|mails|berichten) meer",
            r"(?:uitschrijven|afmelden|uitgeschreven)",
            r"(?:schrijf|meld|verwijder) (?:mij|me|ons) (?:uit|af|van|alsjeblieft|a\.u\.b\."
            r"|aub|"
            r"graag)",
            r"verwijder (?:mij|me|ons|mijn (?:e-?mailadres|gegevens|adres))",
            r"(?:mij|me|ons) (?:graag |alstublieft |alsjeblieft )?(?:verwijderen|uitschrijven|"
            r"afmelden)",
            r"(?:geen|niet) (?:meer |verdere )?(?:e-?mails?|mails|berichten) (?:meer )?"
            r"(?:sturen|ontvangen|toesturen)",
            r"stop (?:met|met het) (?:mailen|e-?mailen|sturen|benaderen)",
            r"(?:mail|e-?mail|benader|contacteer) (?:mij|me|ons) (?:niet meer|nooit meer)",
            r"van (?:uw|jullie|je|de) (?:mailinglijst|lijst|verzendlijst)",
        ],
    },
    # ------------------------------------------------------------------ out of office
    "ooo": {
        "en": [
            r"out of (?:the )?office",
            r"\booo\b",
            r"(?:i am|i'm|im|currently|will be) (?:currently )?(?:away|out|travell?ing|off)"
            r"(?: from the office| of office| on (?:leave|holiday|vacation|business))?"
            r"(?: until| till| til| through| thru| and will| with| from| on| for)",
            r"(?:on|taking) (?:annual |parental |maternity |paternity |sick |medical |"
            r"bereavement |study )?(?:leave|holiday|holidays|vacation|pto|sabbatical)",
            r"(?:on|for) (?:a )?business trip",
            r"(?:limited|no|intermittent|restricted) access to (?:my )?(?:e-?mail|emails|inbox)",
            r"(?:be )?back in the office",
            r"(?:i will|i'll) (?:be )?(?:back|returning|return)(?: to the office)? (?:on|the|"
            r"monday|tuesday|wednesday|thursday|friday|in|at|next)",
            r"(?:i will|i'll) respond (?:to (?:your|my) e-?mails? )?(?:when|upon|after) (?:i )?"
            r"(?:return|my return|i'm back|i am back)",
            r"upon my return",
            r"returning (?:to the office )?on",
            r"away from (?:my desk|the office|email)",
            r"out of the country",
            r"(?:currently )?on leave",
            r"(?:parental|maternity|paternity) leave",
            r"autoreply: out",
            r"^\s*(?:out|away|off) (?:today|this week|all week|until|till|through)",
            r"(?:i'm|i am|im) (?:out|off|away) (?:today|this week|all week|sick|on pto)",
            r"(?:i'm|i am|i'll be|i will be) back (?:on|tomorrow|next|in the office|at my desk|"
            r"from|after|the)",
            r"(?:^|[,;-] ?)back (?:on|tomorrow|monday|tuesday|wednesday|thursday|friday|next)",
            r"out on (?:pto|leave|vacation|holiday)",
        ],
        "de": [
            r"nicht im (?:buro|hause|haus|office)",
            r"ausser haus",
            r"abwesend",
            r"abwesenheit",
            r"(?:im|in) (?:urlaub|elternzeit|mutterschutz|krankenstand|sabbatical|jahresurlaub)",
            r"urlaubsbedingt",
            r"(?:bin|sind) (?:ab|bis|am|wieder)[\w .]{0,30}(?:erreichbar|zuruck|im buro|da)",
            r"wieder (?:im buro|erreichbar|da|zuruck|zuruckkehren)",
            r"(?:zuruck|zurueck) (?:am|ab|im|zum)",
            r"eingeschrankte?m? (?:zugriff|erreichbarkeit)",
            r"(?:keinen|nur eingeschrankten|begrenzten) zugriff auf (?:meine |meinen )?"
            r"(?:e-?mails?|postfach)",
            r"(?:auf )?(?:geschafts|dienst)reise",
            r"nach meiner ruckkehr",
        ],
        "fr": [
            r"absente?",
            r"absence",
            r"en (?:conge|conges|vacances|deplacement|rtt|arret maladie)",
            r"hors du bureau",
            r"(?:de )?retour (?:le|au bureau|a partir|lundi|mardi|mercredi|jeudi|vendredi|des)",
            r"(?:serai|serons) de retour",
            r"acces limite",
            r"(?:ne pourrai|ne serai) pas (?:lire|consulter|en mesure)",
            r"des mon retour",
            r"a mon retour",
        ],
        "es": [
            r"fuera de (?:la )?oficina",
            r"(?:estare|estoy|estaremos|estamos) fuera",
            r"ausente",
            r"(?:de|en|con) (?:vacaciones|baja|permiso|viaje de negocios)",
            r"(?:estare|estaremos) de (?:vuelta|regreso)",
            r"regres(?:o|are|aremos) (?:el|a la oficina|a partir|al)",
            r"(?:vuelvo|volvere|me reincorporo|me reincorporare) (?:el|a la oficina|a partir|al)",
            r"acceso limitado",
            r"a mi (?:regreso|vuelta)",
            r"(?:sin|con poco|con limitado) acceso (?:al|a mi) (?:correo|email)",
            r"de licencia",
        ],
        "pt": [
            r"fora do escritorio",
            r"(?:estarei|estou|estaremos|estamos) fora",
            r"ausente",
            r"ausencia",
            r"(?:de|em) (?:ferias|licenca|viagem)",
            r"(?:estarei|estaremos) de volta",
            r"(?:retorno|regresso|volto|voltarei|retornarei|regressarei) (?:em|no dia|a|ao|dia|"
            r"na|no)",
            r"acesso limitado",
            r"(?:apos|ao) (?:o )?meu (?:retorno|regresso)",
            r"quando (?:eu )?(?:retornar|voltar|regressar)",
        ],
        "nl": [
            r"afwezig",
            r"afwezigheid",
            r"(?:op|met) (?:vakantie|verlof|zwangerschapsverlof|ouderschapsverlof|zakenreis)",
            r"niet (?:op kantoor|aanwezig|bereikbaar)",
            r"(?:weer )?terug (?:op|vanaf|per|op kantoor)",
            r"(?:ben|zijn) (?:vanaf|op|per)[\w .]{0,30}(?:weer|terug)",
            r"weer (?:aanwezig|op kantoor|bereikbaar|beschikbaar)",
            r"beperkt (?:toegang|bereikbaar)",
            r"na mijn terugkeer",
            r"bij terugkomst",
        ],
    },
    # ------------------------------------------------------------------ auto replies (not OOO)
    "auto": {
        "en": [
            r"(?:logged|registered|recorded|opened|created) as (?:a )?(?:case|ticket|request"
            r"|incident)",
            r"(?:case|ticket|request|incident) (?:number |no\. |#|id )?\d{4,}",
            r"within (?:\d+\s*(?:-|to)\s*\d+|\d+|one|two|three|a few|24|48) (?:business |working"
            r" )?(?:hours|days)",
            r"(?:we|we've) got your (?:e-?mail|message|note)",
            r"(?:a|one of our) (?:human|real person|team member|member of (?:our|the) team) will",
            r"(?:high|large) volume of (?:e-?mails|messages|enquiries|inquiries|applications)",
            r"(?:inbox|mailbox|e-?mail|account) is (?:only )?(?:checked|monitored|read|reviewed) "
            r"(?:periodically|occasionally|infrequently|once|twice|daily|weekly|intermittently"
            r"|sporadically)",
            r"(?:automated|automatic|auto-generated|computer-generated) (?:confirmation|notice"
            r"|notification|acknowledg(?:e)?ment)",
            r"(?:this is an? )?(?:automated|automatic|auto-generated|auto generated|"
            r"computer-generated) (?:response|reply|message|email|e-mail|notification|"
            r"acknowledg(?:e)?ment)",
            r"auto-?reply",
            r"(?:we|i) (?:have|'ve) received your (?:e-?mail|message|inquiry|enquiry|request|"
            r"note|submission)",
            r"(?:this|your) (?:e-?mail|message) has been received",
            r"thank you for (?:your (?:e-?mail|message|inquiry|enquiry)|contacting|reaching out)"
            r"[^.!\n]{0,40}\. (?:we|a member of our team|someone|one of our)",
            r"(?:a )?ticket (?:has been )?(?:created|opened|number|#|id|reference)",
            r"(?:please )?do not reply to this (?:e-?mail|message)",
            r"this (?:mailbox|inbox|address|email address) is (?:not|no longer) (?:monitored|"
            r"active|in use|checked)",
            r"(?:is )?(?:not|no longer) (?:being )?monitored",
            r"(?:will|we'll) (?:get back to you|respond|reply|be in touch) (?:within|as soon as|"
            r"shortly|in the next)",
            r"within (?:\d+|one|two|three|24|48) (?:business |working )?(?:hours|days)",
            r"(?:our )?(?:business|office|support) hours",
            r"reference (?:number|id)",
            r"case (?:number|#)",
            r"noreply|no-reply",
        ],
        "de": [
            r"in der reihenfolge (?:des|ihres) eingangs",
            r"(?:bearbeiten|beantworten) ihre (?:anfrage|nachricht|e-?mail) (?:schnellstmoglich|so"
            r" schnell wie moglich|zeitnah)",
            r"automatische (?:antwort|nachricht|e-?mail|benachrichtigung|eingangsbestatigung)",
            r"(?:automatisch|maschinell) (?:erstellt|generiert|versandt|versendet)",
            r"eingangsbestatigung",
            r"(?:wir haben|haben wir) ihre (?:nachricht|e-?mail|anfrage|mail) (?:erhalten"
            r"|bekommen)",
            r"vielen dank fur ihre (?:nachricht|e-?mail|anfrage)[^.!\n]{0,40}\. wir",
            r"ticket(?:nummer)?",
            r"(?:dieses postfach|diese adresse) wird nicht",
            r"nicht (?:mehr )?(?:besetzt|uberwacht|abgerufen|gelesen)",
            r"bitte antworten sie nicht",
        ],
        "fr": [
            r"(?:transmis|transfere) au service (?:concerne|competent)",
            r"(?:heures|horaires) d'ouverture",
            r"(?:reponse|message|accuse de reception) automatique",
            r"accuse de reception",
            r"(?:nous avons|j'ai) bien recu (?:votre|ton) (?:message|e-?mail|mail|demande)",
            r"votre (?:message|demande) a bien ete (?:recu|recue|enregistree|prise en compte)",
            r"ne (?:pas )?repondez pas",
            r"(?:ne|n'est) (?:plus )?(?:consultee|surveillee|active)",
            r"(?:dans les|sous) (?:\d+|24|48) ?(?:h|heures|jours)",
            r"numero de (?:ticket|dossier)",
        ],
        "es": [
            r"horario de atencion",
            r"(?:mensaje|respuesta) automatic[oa]",
            r"(?:respuesta|mensaje|correo) automatic[oa]",
            r"(?:hemos|he) recibido (?:su|tu) (?:mensaje|correo|email|solicitud|consulta)",
            r"(?:su|tu) (?:mensaje|solicitud|correo) (?:ha sido|fue) recibid[oa]",
            r"no responda(?:s)? a este",
            r"(?:no|ya no) (?:es|esta) (?:monitoreado|supervisado|revisado|activo)",
            r"(?:en las proximas|dentro de|en un plazo de) (?:\d+|24|48) ?(?:horas|dias)",
            r"numero de (?:ticket|caso|incidencia)",
        ],
        "pt": [
            r"horario de atendimento",
            r"(?:nosso|o) atendimento (?:funciona|e de)",
            r"(?:resposta|mensagem|e-?mail) automatic[oa]",
            r"(?:recebemos|recebi) (?:a )?(?:sua|seu|tua|teu) (?:mensagem|e-?mail|solicitacao|"
            r"pedido|contato|contacto)",
            r"(?:sua|seu) (?:mensagem|e-?mail|solicitacao) foi recebid[oa]",
            r"nao responda (?:a )?(?:este|esta)",
            r"(?:nao|ja nao) (?:e|esta) (?:monitorad[oa]|verificad[oa]|ativ[oa])",
            r"(?:em ate|dentro de|nas proximas) (?:\d+|24|48) ?(?:horas|dias)",
            r"(?:numero|n\.o) (?:do|de) (?:chamado|protocolo|ticket)",
            r"protocolo",
        ],
        "nl": [
            r"automatisch(?:e)? (?:antwoord|bericht|reactie|gegenereerd|verzonden)",
            r"(?:wij|we) hebben (?:uw|je|jouw) (?:bericht|e-?mail|mail|aanvraag|vraag) "
            r"(?:goed )?ontvangen",
            r"bedankt voor (?:uw|je) (?:bericht|e-?mail|mail)[^.!\n]{0,40}\. (?:wij|we)",
            r"(?:binnen|in) (?:\d+|24|48|twee|drie) (?:werk)?(?:dagen|uur)",
            r"(?:niet|niet meer) (?:gelezen|gecontroleerd|bewaakt|in gebruik)",
            r"ticketnummer",
            r"reageer niet op",
        ],
    },
    # ------------------------------------------------------------------ left the company
    "left_company": {
        "en": [
            r"(?:retired|resigned) (?:from|last|in|a|earlier|recently)",
            r"(?:i'm|i am|he's|she's|he is|she is) (?:now )?retired",
            r"(?:don't|do not|doesn't|does not|no longer) work (?:there|here)",
            r"not (?:with|at) (?:the company|the firm|[\w&.-]+) (?:anymore|any more|any longer)",
            r"(?:is|am|are) no longer (?:with|at|employed|working|part of|a member)",
            r"no longer (?:works?|working|employed) (?:at|for|with|here)",
            r"(?:has|have) (?:left|departed) (?:the company|the organi[sz]ation|the firm|"
            r"the team|our company|[a-z]+)",
            r"(?:i|he|she|they) (?:left|quit) (?:the company|in \d{4}|[\w&.-]+(?: [\w&.-]+)?(?:"
            r" back)? "
            r"(?:in|last|a while|about|over|years|months|\d))",
            r"(?:my|his|her|their) last day (?:was|at)",
            r"(?:i|he|she) (?:moved on|have moved on|has moved on) from",
            r"no longer (?:in|with) (?:this|that) (?:role|position|company)",
            r"(?:haven't|have not|hasn't|has not) (?:worked|been) (?:at|with|for) ",
            r"(?:don't|do not|doesn't|does not) work (?:at|for|with) [\w&.-]+(?: [\w&.-]+)? "
            r"(?:anymore|"
            r"any more|any longer)",
        ],
        "de": [
            r"nicht mehr (?:hier|dort|da) (?:tatig|beschaftigt)?",
            r"(?:im ruhestand|in rente|pensioniert)",
            r"(?:nicht mehr|nicht langer) (?:bei|im unternehmen|fur|in der firma|tatig"
            r"|beschaftigt)",
            r"(?:hat|habe) (?:das unternehmen|die firma|uns|[a-z]+) verlassen",
            r"ausgeschieden",
        ],
        "fr": [
            r"(?:ne travaille|ne suis) plus (?:ici|la-bas|la)",
            r"(?:a la retraite|pris ma retraite|pris sa retraite)",
            r"(?:ne suis|ne sommes) plus (?:chez|dans|au sein|avec|en poste|salarie)",
            r"(?:ne fait|ne fais|ne travaille|ne travaillons) plus (?:partie|chez|pour|au sein"
            r"|dans)",
            r"(?:a|ai) quitte (?:l'entreprise|la societe|la boite|[a-z]+)",
            r"n'est plus (?:chez|dans|au sein|avec|en poste)",
        ],
        "es": [
            r"ya no trabajo (?:aqui|ahi|alli)",
            r"(?:jubilad[oa]|me jubile|se jubilo)",
            r"ya no (?:trabaja|trabajo|forma parte|esta en|estoy en|pertenece)",
            r"(?:ha|he) dejado (?:la empresa|la compania|[a-z]+)",
        ],
        "pt": [
            r"nao trabalho mais (?:aqui|ai|la)",
            r"(?:aposentad[oa]|me aposentei|se aposentou)",
            r"(?:ja )?nao (?:trabalha|trabalho|faz parte|faco parte|esta mais|estou mais)"
            r"(?: mais)? (?:na|no|em|com|da|do|parte)",
            r"(?:deixou|saiu|deixei|sai) (?:da|de|a) (?:empresa|companhia|[a-z]+)",
        ],
        "nl": [
            r"(?:werk|werkt) (?:hier|daar|er) (?:niet meer|niet langer)",
            r"met pensioen",
            r"(?:werkt|werk|ben|is) niet (?:meer|langer) (?:bij|werkzaam|in dienst|actief)",
            r"(?:uit dienst|heeft het bedrijf verlaten|heb het bedrijf verlaten)",
        ],
    },
    # ------------------------------------------------------------------ not the right person
    "wrong_person": {
        "en": [
            r"(?:your|the) (?:list|data|targeting|database|info|information) (?:is|was|seems|must"
            r" be) (?:off|wrong|outdated|bad|incorrect|out of date)",
            r"(?:meant|intended|wanted|trying) to (?:email|e-mail|write to|reach|contact|message) "
            r"(?:a different|another|someone else|somebody else)",
            r"a different (?:person|contact|[a-z]+ (?:i think|probably|maybe))",
            r"(?:not|n't)[\w' ]{0,15} (?:who|the one|the person|the guy) you(?:'re| are| want|"
            r" need| should)",
            r"just (?:an?|the) (?:intern|assistant|student|trainee|temp|contractor)",
            r"not (?:something|anything|a topic|an area) (?:that )?(?:i|i'm|i am) (?:handle|deal"
            r" with|manage|own|look after|decide on|work on|responsible for|in charge of|involved"
            r" in)",
            r"(?:not|n't) (?:the|a) (?:right|correct|best|appropriate|relevant|proper|ideal)"
            r" (?:person|contact|individual|one|guy|point of contact|people)",
            r"wrong (?:person|contact|guy|individual|department|team|address|e-?mail|recipient)",
            r"(?:you've|you have|you've got|you got) the wrong",
            r"(?:i'm|i am|im) not (?:responsible|in charge|involved|the decision ?maker|"
            r"the one who|the person who|handling)",
            r"(?:i|we) (?:don't|do not|dont) (?:handle|deal with|manage|look after|own|oversee|"
            r"make decisions|decide)",
            r"(?:not|isn't|is not) (?:really |exactly )?(?:my|in my) (?:area|department|remit|"
            r"responsibility|decision|call|wheelhouse|role|team|domain|field|job|thing|department)",
            r"(?:outside|out of) (?:my|our) (?:remit|scope|area)",
            r"(?:doesn't|does not) (?:fall|sit) (?:under|within) (?:me|my)",
            r"i (?:don't|do not) work (?:in|on|with) (?:sales|marketing|that|this)",
            r"(?:have|has) nothing to do with",
            r"(?:someone|somebody) else (?:handles|is responsible|owns|manages|takes care)",
            r"(?:it's|it is) not me (?:who|that)",
        ],
        "de": [
            r"nicht (?:der|die|das) (?:richtige|korrekte|passende|zustandige|beste)"
            r"(?:n)? (?:ansprechpartner(?:in)?|person|kontakt|adresse|stelle)",
            r"nicht zustandig",
            r"(?:falsche|falschen) (?:ansprechpartner(?:in)?|person|adresse|kontakt|abteilung)",
            r"(?:liegt|fallt) nicht (?:in meinem|in meinen|in meiner)",
            r"nicht (?:in meinem|mein) (?:bereich|aufgabenbereich|verantwortungsbereich|thema)",
            r"(?:kummere|kummert) mich nicht",
            r"(?:bin|sind) dafur nicht",
            r"(?:entscheide|entscheiden) (?:das|dies|daruber) nicht",
            r"(?:nicht ich|bin nicht (?:diejenige|derjenige)),? (?:die|der|welche)",
        ],
        "fr": [
            r"trompe(?:e|s|es)? de (?:personne|contact|destinataire|adresse|interlocuteur)",
            r"(?:pas|plus) (?:la|le) (?:bonne|bon|meilleur|meilleure) (?:personne|interlocuteur|"
            r"interlocutrice|contact|destinataire)",
            r"(?:ne suis|ne sommes) pas (?:en charge|responsable|concerne|decisionnaire|"
            r"la personne|le bon|la bonne|la mieux placee|le mieux place)",
            r"(?:ne m'occupe|ne gere|ne traite) pas",
            r"(?:n'est|ne releve) pas (?:de mon|du) (?:ressort|perimetre|domaine)",
            r"(?:mauvaise|mauvais) (?:personne|interlocuteur|adresse|contact|destinataire)",
            r"pas de mon ressort",
            r"(?:ce n'est pas|c'est pas) moi qui",
        ],
        "es": [
            r"no soy (?:la|el) (?:persona|contacto|interlocutor|responsable)"
            r"(?: (?:adecuad[oa]|indicad[oa]|correct[oa]|apropiad[oa]))?",
            r"(?:no|ya no) (?:me encargo|llevo|gestiono|manejo|me ocupo)",
            r"no es (?:mi|de mi) (?:area|departamento|responsabilidad|competencia)",
            r"persona (?:equivocada|incorrecta)",
            r"(?:se ha equivocado|te has equivocado|se equivoco) de (?:persona|contacto)",
            r"no soy yo (?:quien|el que|la que)[\w ]{0,25}",
        ],
        "pt": [
            r"nao sou (?:a|o) (?:pessoa|contato|contacto|responsavel)"
            r"(?: (?:certa|certo|indicad[oa]|corret[oa]|adequad[oa]))?",
            r"(?:nao|ja nao) (?:cuido|trato|sou responsavel|lido|me ocupo)",
            r"nao e (?:minha|da minha|comigo)(?: area| responsabilidade)?",
            r"pessoa (?:errada|incorreta)",
            r"nao e comigo",
            r"nao sou eu (?:quem|que|o que|a que)[\w ]{0,25}",
        ],
        "nl": [
            r"niet de (?:juiste|goede|aangewezen|geschikte|beste) (?:persoon|contactpersoon|"
            r"persoon voor|contact)",
            r"niet (?:verantwoordelijk|bevoegd|degene)",
            r"(?:ga|gaat) (?:daar|hier) niet over",
            r"(?:verkeerde|foute) (?:persoon|contactpersoon|afdeling|adres)",
            r"(?:valt|ligt) niet (?:onder|binnen) (?:mij|mijn)",
            r"niet mijn (?:afdeling|vakgebied|verantwoordelijkheid|terrein)",
            r"niet (?:ik|degene) (?:die|wie)",
            r"(?:valt|ligt) niet (?:onder|binnen) (?:mijn|mij)",
        ],
    },
    # ------------------------------------------------------------------ pointing to someone else
    "referral_cue": {
        "en": [
            r"(?:reach out|reach|talk|speak|write|get in touch|connect|contact|chat) (?:to|with)",
            r"(?:contact|email|e-mail|ping|message|ask|write to|reach|try|drop a (?:note|line) to|"
            r"send (?:it|this|them|your \w+) to)[\w ]{0,30}(?: at|:|,)? [\w.+-]+@[\w-]+"
            r"(?:\.[\w-]+)+",
            r"(?:i've|i have|i|have) (?:forwarded|passed|sent|shared|handed) (?:this|your "
            r"(?:e-?mail|message|note|request))(?: on)? (?:to|along to|over to)",
            r"forwarding (?:this|your (?:e-?mail|message))",
            r"(?:cc'?ing|cc'?d|cc-ing|copying|looping in|looped in|loop in|adding|added|cc:|"
            r"copied)",
            r"(?:is|would be|will be) (?:the |a )?(?:right|best|better|correct|appropriate|"
            r"relevant) (?:person|contact|one|fit|point of contact)",
            r"(?:handles|owns|runs|manages|leads|oversees|looks after|takes care of|is "
            r"responsible for|is in charge of) (?:this|that|these|our|all|the|marketing|sales|"
            r"procurement|purchasing|it|partnerships)",
            r"(?:my|our) (?:colleague|coworker|co-worker|replacement|successor|manager|boss|"
            r"head of|vp|cto|ceo|cmo|coo|cfo|director)",
            r"(?:took|has taken) over",
            r"(?:his|her|their) (?:e-?mail|address|contact)(?: address| details)? is",
            r"in (?:copy|cc)",
            r"(?:direct|send|forward|redirect|route|address) (?:this|it|your (?:e-?mail|message|"
            r"request|note|inquiry|enquiry)|inquiries|requests|these) (?:on |over )?to",
        ],
        "de": [
            r"(?:dafur|hierfur) ist [\w .]{1,30} zustandig",
            r"in kopie (?:genommen|gesetzt)",
            r"(?:wenden sie sich|wende dich|melden sie sich) (?:bitte )?(?:an|bei)",
            r"(?:kontaktieren|kontaktiere|schreiben|schreib) sie",
            r"ansprechpartner(?:in)? (?:ist|hierfur|dafur|ware)",
            r"(?:ist|ware) (?:dafur|hierfur) (?:zustandig|die richtige|der richtige)",
            r"zustandig (?:ist|ware)",
            r"(?:weitergeleitet|weitergegeben|leite (?:ihre|die|diese) (?:e-?mail|nachricht|"
            r"anfrage)?)",
            r"(?:in cc|in kopie|cc gesetzt|setze (?:ihn|sie) in cc)",
            r"(?:mein|meine|unser|unsere) (?:kollege|kollegin|nachfolger|nachfolgerin|"
            r"vertretung|leiter|leiterin|chef|chefin|geschaftsfuhrer|geschaftsfuhrerin)",
            r"ubernommen",
        ],
        "fr": [
            r"(?:contactez|contacter|ecrivez a|ecrire a|adressez-vous a|vous adresser a|"
            r"joindre|voir avec|s'adresser a)",
            r"(?:s'en occupe|s'occupe de|est en charge|est responsable|gere (?:ce|les|nos))",
            r"(?:je transmets|j'ai transmis|je transfere|j'ai transfere|transfere a|"
            r"transmis a|je fais suivre|j'ai fait suivre)",
            r"(?:en copie|en cc|je mets en copie|mis en copie)",
            r"(?:mon|ma|notre) (?:collegue|successeur|remplacant|remplacante|responsable|"
            r"directeur|directrice|manager)",
            r"(?:la|le) (?:bonne|bon) (?:personne|interlocuteur|contact) (?:est|serait)",
            r"(?:a|ont) repris",
        ],
        "es": [
            r"(?:contacta|contacte|contactar|contactes|escribe|escriba|escribir|habla|hable|"
            r"hablar) (?:con|a)",
            r"(?:se encarga|se ocupa|es (?:la persona|el responsable|la responsable|quien lleva))",
            r"(?:te he|le he|he) (?:reenviado|pasado|copiado)",
            r"(?:reenvio|reenviado|en copia|pongo en copia|te copio|le copio)",
            r"(?:mi|nuestro|nuestra) (?:companer[oa]|colega|sucesor|sucesora|responsable|"
            r"director|directora|jefe|jefa)",
            r"(?:la persona|quien|el que|la que) (?:que )?(?:lleva|gestiona|se encarga|lo lleva"
            r"|decide)",
            r"te (?:dejo|paso) su (?:correo|email|e-mail|contacto)",
        ],
        "pt": [
            r"(?:entre|entrar|entra) em (?:contato|contacto) com",
            r"(?:fale|falar|fala|converse|conversar) com",
            r"(?:escreva|escrever|mande um e-?mail) para",
            r"(?:e (?:quem|o responsavel|a responsavel|a pessoa)|cuida d(?:isso|e)|responsavel "
            r"(?:e|por))",
            r"(?:encaminhei|encaminhado|encaminhando|repassei|reencaminhei|estou copiando|"
            r"em copia|coloquei em copia|copiei)",
            r"(?:meu|minha|nosso|nossa) (?:colega|sucessor|sucessora|responsavel|diretor|diretora|"
            r"gerente|chefe)",
            r"(?:o|a) responsavel (?:por|pela|pelo) (?:essa|esta|isso|isto|esse|este)[\w ]{0,15} e",
            r"(?:segue|aqui esta|esse e) o (?:e-?mail|contato) (?:dele|dela)",
        ],
        "nl": [
            r"(?:neem|neemt|kunt|kun) (?:u |je )?(?:contact op|contact opnemen) met",
            r"contact (?:op)?nemen met",
            r"(?:mail|e-?mail|stuur een (?:e-?)?mail|bel|benader|spreek)(?: even| gerust)? "
            r"(?:met|naar)",
            r"(?:gaat (?:hierover|daarover)|is (?:hiervoor|daarvoor) verantwoordelijk|is "
            r"verantwoordelijk)",
            r"(?:doorgestuurd|doorgezet|in de cc|in cc|cc gezet|heb (?:hem|haar) in de cc)",
            r"(?:mijn|onze) (?:collega|opvolger|opvolgster|manager|leidinggevende|directeur)",
            r"(?:heeft|heeft het) overgenomen",
        ],
    },
    # ------------------------------------------------------------------ meeting request
    "meeting": {
        "en": [
            r"(?:\d{1,2}:\d{2}|\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.))[^.?!\n]{0,40}(?:work|works|suit"
            r"|suits|good|ok|okay|fine|possible|free|available)",
            r"(?:does|would|will|could) (?:\d{1,2}(?::\d{2})?|noon)[^.?!\n]{0,40} (?:work|suit)",
            r"(?:google meet|ms teams|microsoft teams|zoom call|teams call|video call|phone call)",
            r"(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri)(?:day)?s?(?: or (?:mon|tues?|wed"
            r"(?:nes)?|weds|thu(?:rs?)?|fri)(?:day)?)? (?:morning|afternoon|evening|am|pm)",
            r"(?:let's|lets|let us|can we|could we|shall we|should we|we could|we can|happy to|"
            r"glad to|i'd like to|i would like to|i'd love to|would love to|keen to|open to|"
            r"up for|love to|want to|like to|willing to) (?:have |set up |schedule |book |jump on |"
            r"hop on |get on |do |arrange |organi[sz]e |find )?(?:a |an |some )?(?:quick |short |"
            r"brief |15[- ]?min(?:ute)? |30[- ]?min(?:ute)? |20[- ]?min(?:ute)? |intro |"
            r"introductory |discovery |video |zoom |teams )?(?:call|chat|talk|meet|meeting|"
            r"demo|conversation|catch up|catch-up|connect|speak|zoom|session|time)",
            r"(?:set up|schedule|book|arrange|organi[sz]e|find|grab|lock in|pencil in|"
            r"put) (?:a |an |some )?(?:time|call|meeting|demo|slot|chat|session)",
            r"(?:are you|would you be|will you be) (?:free|available|around)",
            r"(?:does|would|could|will) (?:" + _WEEKDAY_EN + r"|tomorrow|next week|this week|"
            r"that|the|either|any)[^.?!\n]{0,40} (?:work|suit)",
            r"(?:" + _WEEKDAY_EN + r"|tomorrow|next week)[^.?!\n]{0,30} (?:works|suits|is good|"
            r"would work|could work|is fine)",
            r"works (?:for me|for us|fine)",
            r"how (?:about|does|is) (?:" + _WEEKDAY_EN + r"|tomorrow|next week|this week)",
            r"(?:what|which) (?:time|day|slot)s? (?:works|suits|would work|are you|is good)",
            r"(?:send|share|shoot) (?:me |us |over )?(?:an? |your )?(?:calendar |meeting |"
            r"teams |zoom |google meet )?(?:invite|invitation|calendar link|booking link|"
            r"availability|a few times|some times|times)",
            r"(?:your|my) (?:availability|calendar|calendly)",
            r"(?:calendly\.com|cal\.com|meetings\.hubspot\.com|savvycal\.com|"
            r"calendar\.app\.google|chilipiper|doodle\.com|zcal\.co|tidycal\.com|youcanbook\.me|"
            r"outlook\.office\.com/bookings|koalendar)",
            r"(?:" + _WEEKDAY_EN + r"|tomorrow|today)(?: afternoon| morning| evening)?"
            r"(?:,? \w+ \d{1,2}(?:st|nd|rd|th)?)? (?:at|@|around|after|before|between) "
            r"(?:\d|noon|lunch)",
            r"(?:free|available|open) (?:on |this |next )?(?:" + _WEEKDAY_EN + r"|tomorrow|"
            r"next week|this week|later this week)",
            r"give me a (?:call|ring)",
            r"call me (?:on|at|tomorrow|today|" + _WEEKDAY_EN + r")",
            r"(?:happy|glad) to (?:connect|chat|talk|meet|hop|jump)",
            r"(?:hop|jump) on a (?:call|zoom|quick call)",
            r"let's (?:talk|chat|connect|meet|speak|do it|find)",
            r"(?:book|pick|choose|grab) (?:a |some )?(?:time|slot)",
            r"(?:can|could|would) you (?:do|give|show|run|walk|set up|host) (?:us |me |our team )?"
            r"(?:a |an |through |us through )?(?:quick |short |live |brief )?(?:demo|call"
            r"|walkthrough|"
            r"presentation|walk-through)",
            r"(?:i|we) (?:can|could) do (?:a |an )?(?:quick |short )?(?:call|meeting|demo|chat"
            r"|zoom)",
            r"(?:call|demo|meeting|chat|zoom|teams|meet|talk|speak|catch up)[^.?!\n]{0,40}"
            r"(?:" + _WEEKDAY_EN + r"|tomorrow|next week|this week)",
            r"(?:"
            + _WEEKDAY_EN
            + r"|tomorrow|next week|this week)[^.?!\n]{0,40}(?:call|demo|meeting|"
            r"chat|zoom|talk|speak|catch up)",
            r"(?:" + _WEEKDAY_EN + r"|tomorrow) (?:morning|afternoon|evening|at lunch)",
            r"(?:send|share) (?:me |us )?a (?:couple|few) (?:of )?(?:times|slots|options)",
        ],
        "de": [
            r"(?:rufen sie mich|ruf mich|rufen sie|melden sie sich telefonisch)[\w ,.]{0,40}(?:an"
            r"|durch)",
            r"(?:telefonisch|per telefon|per video|per teams|per zoom) (?:erreichbar|austauschen"
            r"|sprechen|besprechen)",
            r"(?:montag|dienstag|mittwoch|donnerstag|freitag)(?:vormittag|nachmittag|morgen"
            r"|abend)?[\w ,]{0,15}\d{1,2}(?:[:.]\d{2})(?: uhr)?",
            r"(?:termin|telefontermin|gesprachstermin|kennenlerntermin|call|telefonat|"
            r"videocall|videokonferenz|teams-?call|zoom-?call|kurzes gesprach|austausch|"
            r"demo|meeting)(?: vereinbaren| ausmachen| machen| finden| einplanen| abstimmen)",
            r"(?:lassen sie uns|lass uns|konnen wir|konnten wir|wollen wir|sollen wir|"
            r"gerne|gern)[\w ,]{0,30}(?:telefonieren|sprechen|austauschen|treffen|"
            r"zusammensetzen|termin|call|telefonat|gesprach|demo|meeting)",
            r"(?:passt|geht|ginge|passen) (?:ihnen|dir|es|euch)?[\w ,.]{0,30}(?:"
            + _WEEKDAY_DE
            + r"|morgen|nachste woche|um \d)",
            r"(?:" + _WEEKDAY_DE + r"|morgen|ubermorgen)[\w ,.]{0,25}(?:um|ab|gegen|zwischen) "
            r"\d{1,2}(?:[:.]\d{2})?(?: uhr)?",
            r"um \d{1,2}(?:[:.]\d{2})? uhr",
            r"(?:zeit|verfugbar)[\w ,]{0,20}(?:fur ein|fur einen) (?:gesprach|call|telefonat|"
            r"termin|austausch)",
            r"(?:rufen sie mich|ruf mich) (?:an|gerne an|einfach an)",
            r"(?:einladung|kalendereinladung|terminvorschlag|terminvorschlage|terminlink)",
            r"(?:calendly|cal\.com|meetings\.hubspot|terminbuchung)",
            r"(?:buchen sie|buche)[\w ]{0,20}(?:termin|slot|zeit)",
            r"(?:" + _WEEKDAY_DE + r"|morgen) ?(?:vormittag|nachmittag|fruh|abend|mittag)",
            r"(?:wie ware es|wie sieht es) (?:mit|am) (?:"
            + _WEEKDAY_DE
            + r"|morgen|nachster woche)",
        ],
        "fr": [
            r"(?:cale|calons|calez|caler|cales|fixons|fixez|planifions|planifiez|organisons"
            r"|prevoyons|prevoir) (?:un|une|le|la|nous|se|on)?\s?(?:un |une )?(?:appel|call|rdv"
            r"|rendez-vous|creneau|visio|echange|point|reunion|demo)",
            r"on se (?:cale|fait|programme|prevoit|voit|parle|appelle)",
            r"(?:lundi|mardi|mercredi|jeudi|vendredi)(?: matin| apres-midi)?[\w ,]{0,15}\d{1,2} ?h"
            r"(?:\d{2})?",
            r"(?:envoyez|envoie)(?:-moi|-nous| moi| nous) une invitation",
            r"(?:un |une )?(?:appel|rendez-vous|rdv|visio|visioconference|call|reunion|demo|"
            r"echange|point|creneau)(?: telephonique)? (?:la semaine prochaine|demain|"
            r"cette semaine|ensemble|rapide|de \d{2} ?min|" + _WEEKDAY_FR + r")",
            r"(?:on peut|pouvons-nous|peut-on|on pourrait|nous pourrions|pourrions-nous|"
            r"je (?:vous )?propose|seriez-vous|etes-vous) (?:disponibles? )?[\w' ]{0,25}"
            r"(?:appel|rdv|rendez-vous|echanger|en parler|parler|discuter|appeler|se voir|"
            r"rencontrer|caler|visio|disponible)",
            r"(?:caler|fixer|planifier|organiser|programmer|prendre) (?:un |une )?(?:appel|rdv|"
            r"rendez-vous|creneau|moment|reunion|call|visio|point|echange|demo)",
            r"(?:" + _WEEKDAY_FR + r"|demain)[\w ,]{0,20}(?:a |vers |entre )?\d{1,2} ?h(?:\d{2})?",
            r"\d{1,2}h\d{0,2} (?:vous|te|ca|cela) (?:convient|va|irait|conviendrait)",
            r"(?:vous|ca|cela) (?:convient|conviendrait|irait)",
            r"(?:appelez-moi|appelle-moi|n'hesitez pas a m'appeler)",
            r"(?:" + _WEEKDAY_FR + r"|demain) (?:matin|apres-midi|soir|midi)",
            r"(?:invitation|lien (?:de|pour) (?:reservation|prendre rdv)|mon agenda|"
            r"mes disponibilites|vos disponibilites)",
            r"(?:calendly|cal\.com|meetings\.hubspot)",
        ],
        "es": [
            r"(?:te|le|os|les) (?:viene|va|vendria|iria|irian|vienen) bien",
            r"(?:lunes|martes|miercoles|jueves|viernes)[\w ,]{0,20}(?:sobre|hacia|a eso de|tipo)"
            r" las \d{1,2}",
            r"hablemos",
            r"(?:una |un )?(?:llamada|reunion|videollamada|call|demo|cita|charla)"
            r"(?: rapida| breve| corta)? (?:el |la semana que viene|la proxima semana|manana|"
            r"esta semana|de \d{2} ?min|" + _WEEKDAY_ES + r")",
            r"(?:podemos|podriamos|hablamos|agendamos|agendemos|hagamos|tengamos|te parece|le "
            r"parece|que tal)[\w ,]{0,25}(?:llamada|reunion|hablar|charlar|call|demo|videollamada|"
            r"vernos|reunirnos|" + _WEEKDAY_ES + r"|manana)",
            r"(?:agendar|programar|coordinar|organizar|fijar|concertar) (?:una |un )?(?:llamada|"
            r"reunion|cita|demo|videollamada|call|hora|momento)",
            r"(?:" + _WEEKDAY_ES + r"|manana)[\w ,]{0,20}a las \d{1,2}",
            r"a las \d{1,2}(?::\d{2})?",
            r"(?:estas|esta|estais) (?:disponible|libre)",
            r"(?:llamame|llameme|me puedes llamar)",
            r"(?:mi agenda|mi calendario|mi disponibilidad|tu disponibilidad|su disponibilidad|"
            r"invitacion)",
            r"(?:" + _WEEKDAY_ES + r"|manana) por la (?:manana|tarde|noche)",
            r"(?:calendly|cal\.com|meetings\.hubspot)",
        ],
        "pt": [
            r"(?:segunda|terca|quarta|quinta|sexta)(?:-feira)?[\w ,]{0,20}(?:por volta das|umas|lá"
            r" pelas) \d{1,2}",
            r"(?:te|lhe) (?:serve|atende|fica bom)",
            r"(?:uma |um )?(?:ligacao|reuniao|chamada|call|demo|videochamada|conversa)"
            r"(?: rapida| breve)? (?:na semana que vem|na proxima semana|amanha|esta semana|"
            r"essa semana|de \d{2} ?min|n[ao] (?:" + _WEEKDAY_PT + r"))",
            r"(?:podemos|poderiamos|vamos|que tal|bora|topa)[\w ,]{0,25}(?:ligacao|reuniao|"
            r"conversar|falar|call|demo|chamada|marcar|agendar|nos falar)",
            r"(?:agendar|marcar|combinar|organizar) (?:uma |um )?(?:ligacao|reuniao|call|demo|"
            r"conversa|horario|chamada|papo)",
            r"(?:" + _WEEKDAY_PT + r"|amanha)[\w ,]{0,20}(?:as|a partir das) \d{1,2}",
            r"as \d{1,2}(?:h|:\d{2}| horas)",
            r"(?:esta|estas|voce esta) (?:disponivel|livre)",
            r"(?:me liga|me ligue|pode me ligar)",
            r"(?:minha agenda|meu calendario|sua disponibilidade|minha disponibilidade|convite)",
            r"(?:" + _WEEKDAY_PT + r"|amanha) (?:de manha|a tarde|pela manha|a noite)",
            r"(?:calendly|cal\.com|meetings\.hubspot)",
        ],
        "nl": [
            r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag)(?:ochtend|middag|avond|morgen)?[\w"
            r" ,]{0,15}\d{1,2}(?:[:.]\d{2})",
            r"(?:sparren|even bellen|kort bellen|koffie drinken)",
            r"(?:afspraak|belafspraak|kennismaking|kennismakingsgesprek|gesprek|call|demo|"
            r"videocall|teams-?call|meeting|overleg)(?:je)? (?:inplannen|maken|plannen|"
            r"vastleggen|prikken|volgende week|deze week|morgen)",
            r"(?:zullen we|kunnen we|laten we|kunnen wij|zullen wij)[\w ,]{0,25}(?:bellen|"
            r"afspreken|spreken|inplannen|afspraak|call|kennismaken|gesprek|demo|meeten)",
            r"(?:" + _WEEKDAY_NL + r"|morgen)[\w ,]{0,20}(?:om|rond|tussen) \d{1,2}",
            r"om \d{1,2}(?:[:.]\d{2})? uur",
            r"(?:schikt|past|lukt) (?:het )?(?:u|je|jou|jullie)?[\w ,]{0,20}(?:"
            + _WEEKDAY_NL
            + r"|morgen|volgende week)",
            r"(?:bel|belt) (?:me|mij) (?:gerust|maar|even)",
            r"(?:mijn agenda|uitnodiging|agenda-?uitnodiging|beschikbaarheid)",
            r"(?:" + _WEEKDAY_NL + r"|morgen) ?(?:ochtend|middag|avond|morgen)",
            r"(?:plan|plannen|inplannen|prikken|maken)[\w ]{0,25}(?:gesprek|afspraak|call"
            r"|kennismaking|"
            r"meeting|demo|overleg)",
            r"(?:gesprek|afspraak|call|kennismakingsgesprek|meeting|demo)[\w ]{0,25}(?:in"
            r"(?:plannen)?|"
            r"maken|prikken)",
            r"(?:calendly|cal\.com|meetings\.hubspot)",
        ],
    },
    # ------------------------------------------------------------------ explicit interest
    "interested_strong": {
        "en": [
            r"(?:piqued|caught|got|have) (?:my|our) (?:interest|attention|curiosity)",
            r"(?:mind|could you|can you|would you|pls|please|happy for you to|feel free to) (?:\w+"
            r" )?(?:send|sending|share|sharing|forward|forwarding|email|emailing|shoot|drop)"
            r"(?:ing)? (?:me |us |over |along )?",
            r"(?:case stud(?:y|ies)|one-pager|one pager|brochure|white ?paper|pitch deck|slide"
            r" deck|a deck|your deck|product video|demo video|customer stories|collateral)",
            r"(?:i'm|i am|we're|we are) (?:still |a bit |quite |very |genuinely |definitely"
            r" )?curious",
            r"(?:i'm|i am|we're|we are|i'd be|we'd be|would be|definitely|very|quite|really|"
            r"genuinely|actually|potentially|might be|could be|am|are|be) (?:\w+ )?interested",
            r"^\s*(?:yes[,!.]? |very |definitely |quite )?interested\b",
            r"(?:what(?:'s| is| are)|what would be) (?:the )?next steps?",
            r"interested in (?:learning|hearing|seeing|knowing|a demo|trying|testing|this|"
            r"your|the)",
            r"(?:tell|show) me more",
            r"(?:send|share|forward|email|shoot|drop|pass) (?:me |us )?(?:over |along |across )?"
            r"(?:[\w-]+ ){0,3}(?:info|information|details|deck|one-pager|one pager|overview|"
            r"brochure|case stud(?:y|ies)|materials?|pricing|price list|proposal|documentation"
            r"|docs|"
            r"examples|video|link|stories|references|testimonials|something|anything|whatever)",
            r"(?:keen|eager|excited|curious|interested) to (?:see|learn|hear|try|know|explore|"
            r"find out|understand|test)",
            r"(?:like|love|keen|happy|want|curious) to (?:learn|hear|know|see|find out|understand)"
            r" more",
            r"(?:learn|hear|know|find out) more",
            r"more (?:info|information|details)",
            r"yes,? please",
            r"count (?:me|us) in",
            r"(?:sign|signing) (?:me|us) up",
            r"(?:we're|we are|i'm|i am) (?:actually )?looking for (?:something like this|"
            r"a solution|exactly this|a tool)",
            r"(?:perfect|great|good) timing",
            r"(?:let's|lets) (?:do it|try it|give it a (?:try|shot|go))",
            r"(?:would|i'd) (?:like|love) to (?:try|test|see|give it a)",
            r"(?:open|happy|willing) to (?:learn|hear|explore|take a look|look|try|trying|test"
            r"|testing)",
        ],
        "de": [
            r"(?:mir|uns) [\w ]{0,25}(?:schicken|senden|zusenden|zukommen lassen|zuschicken)",
            r"(?:prasentation|broschure|unterlagen|fallstudie|fallstudien|referenzen|produktvideo"
            r"|infomaterial|whitepaper|produktblatt)",
            r"(?:bin|sind|waren|ware|waren|sehr|durchaus|grundsatzlich|prinzipiell) (?:\w+ )?"
            r"interessiert",
            r"(?:habe|haben|hatte|hatten) (?:sehr |durchaus |grundsatzlich )?interesse",
            r"(?:interesse|interessiert) an",
            r"(?:mehr|weitere|nahere) (?:infos|informationen|details|unterlagen)",
            r"(?:zukommen lassen|zusenden|zuschicken)",
            r"(?:schicken|senden) sie (?:mir|uns)",
            r"(?:gerne|gern) mehr (?:erfahren|wissen|horen)",
            r"mehr (?:erfahren|wissen)",
            r"ja,? (?:gerne|gern|bitte)",
            r"(?:klingt|hort sich|liest sich) (?:sehr |echt |wirklich )?(?:interessant|spannend"
            r"|gut)",
            r"das (?:interessiert|klingt)",
            r"(?:ausprobieren|testphase|testzugang)",
        ],
        "fr": [
            r"(?:plaquette|brochure|etude de cas|etudes de cas|cas clients|references clients"
            r"|video de demo|livre blanc)",
            r"(?:suis|sommes|serais|serions|tres|plutot) (?:\w+ )?interess(?:e|es|ee|ees)",
            r"(?:ca|cela) (?:m'interesse|nous interesse|pourrait m'interesser|pourrait nous"
            r" interesser)",
            r"(?:m'interesse|nous interesse)",
            r"(?:en savoir|en apprendre) (?:plus|davantage)",
            r"(?:plus d'|davantage d')(?:informations|infos|details|elements)",
            r"(?:envoyez|envoie|transmettez|partagez)(?:-moi|-nous| moi| nous)",
            r"(?:m'|nous )(?:envoyer|transmettre|faire parvenir|partager)",
            r"oui,? (?:volontiers|avec plaisir|pourquoi pas)",
            r"(?:ca a l'air|cela semble|ca semble|ca parait) (?:interessant|pertinent|prometteur"
            r"|top)",
            r"(?:essayer|tester l'outil|periode d'essai)",
        ],
        "es": [
            r"(?:cuentame|cuentanos|explicame|dime) mas",
            r"(?:presentacion|folleto|dossier|caso de exito|casos de exito|casos de uso"
            r"|referencias|video demo)",
            r"(?:estoy|estamos|estaria|estariamos|muy|bastante|me|nos) (?:\w+ )?interesad[oa]s?",
            r"(?:me|nos) interesa",
            r"(?:me|nos) (?:podria|puede|podrian|pueden) interesar",
            r"(?:enviar|mandar|pasar)(?:me|nos) (?:\w+ ){0,3}(?:informacion|info|detalles"
            r"|presentacion|"
            r"propuesta|dossier|folleto|casos|video|demo|precios|tarifas)",
            r"(?:mas|algo mas de) (?:informacion|info|detalles)",
            r"(?:envia|envie|mandame|mandeme|enviame|envieme|enviadme|manda|mande)(?:me|nos)?",
            r"(?:saber|conocer|aprender) mas",
            r"si,? (?:por favor|claro|me interesa)",
            r"(?:suena|parece) (?:muy )?(?:interesante|bien|bueno|util)",
            r"(?:probarlo|probar la herramienta|periodo de prueba)",
        ],
        "pt": [
            r"(?:me |nos )?(?:conta|conte|fala|fale|explica|explique) mais",
            r"(?:apresentacao|folder|estudo de caso|estudos de caso|casos de sucesso|portfolio"
            r"|material de apoio)",
            r"(?:estou|estamos|estaria|estariamos|muito|bastante|fiquei|ficamos) (?:\w+ )?"
            r"interessad[oa]s?",
            r"(?:tenho|temos) (?:muito |bastante )?interesse",
            r"(?:me|nos) interessa",
            r"(?:pode|poderia|podem) (?:nos |me )?interessar",
            r"(?:enviar|mandar)(?:-me|-nos| me| nos)? (?:\w+ ){0,3}(?:informacoes|detalhes"
            r"|apresentacao|"
            r"proposta|material|video|demo|precos)",
            r"(?:mais|maiores) (?:informacoes|informacao|info|detalhes)",
            r"(?:envie|envia|mande|manda|me envie|me mande)(?:-me|-nos)?",
            r"(?:saber|conhecer|entender) mais",
            r"sim,? (?:por favor|claro|com certeza)",
            r"(?:parece|achei) (?:muito |bem )?(?:interessante|bom|util|legal)",
            r"(?:testar a ferramenta|periodo de teste)",
        ],
        "nl": [
            r"(?:presentatie|brochure|casestudy|case study|case studies|referenties"
            r"|informatiepakket|whitepaper)",
            r"(?:ben|zijn|wel|zeer|erg|heel) (?:\w+ )?geinteresseerd",
            r"(?:heb|hebben) (?:wel |zeker )?interesse",
            r"(?:meer|extra) (?:informatie|info|details)",
            r"(?:opsturen|toesturen|doorsturen)",
            r"(?:stuur|stuurt|mail) (?:me|mij|ons)",
            r"(?:graag|wil(?:len)?) meer (?:weten|horen|informatie)",
            r"ja,? (?:graag|prima|leuk)",
            r"(?:klinkt|lijkt|ziet er) (?:erg |heel |zeer )?(?:interessant|goed|nuttig|leuk)",
            r"(?:uitproberen)",
        ],
    },
    # weaker positive cues: only decide the label when nothing else does
    "interested_weak": {
        "en": [
            r"interest(?:ed|ing)",
            r"sounds (?:good|great|interesting|cool|promising|useful)",
            r"looks (?:good|great|interesting|cool|promising|useful)",
            r"(?:could|might) be (?:useful|helpful|relevant|a fit|a good fit|worth)",
            r"worth (?:a look|exploring|a chat|discussing)",
            r"curious",
            r"(?:sure|absolutely|definitely|why not|yes|yeah|yep)[.!,]",
            r"relevant (?:for|to) us",
            r"(?:trial|pilot)",
        ],
        "de": [r"interessant", r"spannend", r"klingt gut", r"warum nicht", r"gerne", r"gern"],
        "fr": [r"interessant", r"pourquoi pas", r"avec plaisir", r"volontiers", r"pertinent"],
        "es": [r"interesante", r"por que no", r"con gusto", r"encantad[oa]", r"claro"],
        "pt": [r"interessante", r"por que nao", r"com prazer", r"claro", r"legal"],
        "nl": [r"proefperiode", r"interessant", r"waarom niet", r"graag", r"leuk"],
    },
    # ------------------------------------------------------------------ hard no
    "not_interested": {
        "en": [
            r"(?:doesn't|does not|don't|do not|wouldn't|would not) (?:really )?(?:solve|address"
            r"|fix|help with) (?:a |any |the )?(?:problem|pain|issue|need|challenge)",
            r"(?:don't|do not) (?:really )?have (?:this|that|the|a|any|such a) (?:problem|need"
            r"|pain|issue|use case|challenge)",
            r"(?:isn't|is not|not|aren't|wouldn't be|won't be) (?:really |quite )?for (?:us|me)",
            r"(?:going to|have to|will|must|gonna|'ll|we'd|would) (?:have to )?say no",
            r"say no (?:for now|to this|thanks)",
            r"not (?:looking|in the market|shopping) (?:for|to buy|to add) (?:anything|something"
            r"|this|that|a|any|new|more|additional|such)",
            r"(?:not|no longer|never|isn't|aren't) (?:really |currently |at all |particularly |"
            r"very |that |actually )?interest(?:ed|ing)",
            r"no interest",
            r"(?:un|dis)interested",
            r"no,? thanks?(?: you)?",
            r"no thx",
            r"(?:thanks|thank you),? but no",
            r"(?:not|isn't|is not) (?:a |the )?(?:right |good )?(?:fit|match) for (?:us|me|our)",
            r"not for (?:us|me)",
            r"(?:don't|do not|doesn't|does not) (?:think|see|feel) (?:this|it|that|we|there)"
            r"(?:'s| is| are| would be| 's)? (?:a |an |really |much |any )?(?:good |great |right "
            r"|real )?"
            r"(?:fit|match|need|use)",
            r"(?:we're|we are|i'm|i am) (?:fine|good|ok|okay|happy) (?:as (?:we are|is|it is)|for"
            r" now|"
            r"without)",
            r"(?:we'll|we will|i'll|i will|we're going to|going to|have to|gonna) "
            r"(?:have to )?pass",
            r"(?:pass|passing) on (?:this|that|it)",
            r"(?:not|isn't|is not|wasn't) (?:something|anything|what) (?:we|i)(?:'re| are| am|'d|"
            r" would)? "
            r"(?:need|want|looking|interested|consider|considering)",
            r"^\s*no[.!]*\s*$",
            r"^\s*no need\b",
            r"(?:we|i) (?:don't|do not|dont) (?:need|want|require) (?:this|that|it|your|any|such|"
            r"a|an|help|services|external)",
            r"(?:we're|we are|i'm|i am) not (?:looking|in the market|buying|considering|a buyer)",
            r"(?:no|zero) (?:need|use|requirement) for",
            r"(?:we're|we are|i'm) (?:good|fine)(?: here| thanks| thank you|,|\.|!|$)",
            r"(?:we're|we are|i'm|i am) all set(?! for)",
            r"not (?:relevant|applicable) (?:for|to) (?:us|me|our)",
            r"(?:doesn't|does not|won't|will not) (?:apply|work) (?:to|for) (?:us|me)",
            r"(?:we|i) (?:decline|must decline|will decline)",
            r"(?:nope|nah)",
            r"not at this (?:time|point)",
            r"(?:please )?(?:don't|do not) (?:follow up|bother)",
        ],
        "de": [
            r"aber nein",
            r"^\s*(?:danke,? )?nein(?:,? danke)?[.!]*\s*$",
            r"(?:wir )?verzichten",
            r"kein interesse",
            r"(?:wir suchen|ich suche) (?:derzeit |aktuell |momentan )?(?:nicht|nichts|keine)",
            r"(?:kein|keinerlei|nicht|wenig) (?:weiteres |gro(?:ss)?es )?interess(?:e|iert)",
            r"(?:interessiert|interessieren) (?:uns|mich) (?:derzeit |aktuell |leider |momentan )?"
            r"nicht",
            r"nein,? danke",
            r"(?:brauchen|benotigen|wollen|mochten) (?:wir|ich) (?:derzeit |aktuell |leider |"
            r"momentan )?(?:nicht|kein|keine)",
            r"(?:kein|keinen) bedarf",
            r"(?:passt|passen) (?:leider )?nicht (?:zu uns|fur uns)",
            r"(?:nicht|nichts) fur (?:uns|mich)",
            r"^\s*nein[.!]*\s*$",
            r"(?:verzichten|lehnen ab|absagen)",
            r"nicht relevant",
            r"nichts,? (?:was|das) (?:wir|ich) (?:brauchen|brauche|suchen|suche|benotigen)",
        ],
        "fr": [
            r"(?:nous ne|je ne) (?:cherchons|cherche) pas",
            r"(?:pas|plus|nullement|aucunement) (?:du tout |vraiment |particulierement )?"
            r"interess(?:e|es|ee|ees|ant)",
            r"(?:ne m'interesse|ne nous interesse|n'interesse) (?:pas|plus)",
            r"(?:pas|aucun) (?:d'|de l')interet",
            r"non,? merci",
            r"(?:pas|aucun) (?:de )?besoin",
            r"(?:n'avons|n'ai) (?:pas|aucun) besoin",
            r"(?:pas|ce n'est pas) pour nous",
            r"(?:je|nous) (?:passe|passons|declinons|decline)",
            r"pas pertinent",
            r"(?:ce n'est pas|c'est pas) (?:quelque chose|ce) (?:dont|que|qu')",
        ],
        "es": [
            r"no (?:estamos|estoy) buscando",
            r"no (?:me |nos )?(?:interesa|interesan|estamos interesados|estoy interesad[oa]|"
            r"estamos interesadas)",
            r"(?:ningun|sin|no tenemos|no tengo) interes",
            r"no,? gracias",
            r"no (?:lo )?(?:necesitamos|necesito|requerimos)",
            r"no es para (?:nosotros|mi)",
            r"no es (?:algo|lo) que (?:necesitemos|necesitamos|busquemos|buscamos|queremos)",
            r"(?:no|ninguna) (?:tenemos )?necesidad",
            r"(?:declinamos|declino)",
        ],
        "pt": [
            r"nao (?:estamos|estou) (?:procurando|buscando)",
            r"nao (?:me |nos )?(?:interessa|interessam|estamos interessad[oa]s|estou"
            r" interessad[oa])",
            r"(?:nao tenho|nao temos|sem|nenhum) interesse",
            r"nao,? obrigad[oa]",
            r"nao (?:precisamos|preciso|necessitamos)",
            r"nao e para (?:nos|mim)",
            r"(?:nao faz|nao faria) sentido",
            r"nao e (?:algo|uma coisa|o) que (?:precisamos|procuramos|buscamos|queremos)",
            r"(?:dispensamos|dispenso|declino|declinamos|vamos passar)",
        ],
        "nl": [
            r"(?:we zoeken|wij zoeken|ik zoek) (?:niets|geen|niet)",
            r"(?:geen|niet|weinig) (?:echt )?(?:interesse|geinteresseerd)",
            r"(?:interesseert|boeit) (?:ons|mij|me) (?:niet|geen)",
            r"nee,? (?:dank je|dank u|bedankt|dankjewel|dankuwel)",
            r"(?:hebben|heb) (?:er )?geen (?:behoefte|interesse|nodig)",
            r"geen behoefte",
            r"niet iets (?:wat|dat) (?:we|wij|ik) (?:nodig hebben|zoeken|willen)",
            r"(?:niet|niks|niets) voor (?:ons|mij)",
            r"(?:we|wij|ik) (?:hebben|heb) (?:dit|dat|het) niet nodig",
            r"(?:we|wij|ik) (?:slaan|sla) (?:dit|het) over",
        ],
    },
    # ------------------------------------------------------------------ objections
    "objection_price": {
        "en": [
            r"(?:would|we'd|we would|will|'d) need [^.?!\n]{2,50} before (?:we|i) (?:could|can"
            r"|would|consider|move|commit)",
            r"(?:deal-?breaker|dealbreaker)",
            r"(?:too|very|quite|rather|bit|a little|way too|far too) (?:expensive|pricey|costly|"
            r"steep|much|high)",
            r"(?:out of|over|above|beyond|outside|exceeds) (?:our|my|the) (?:budget|price range)",
            r"(?:no|zero|limited|tight|small|the) budget",
            r"budget (?:is|has been|was) (?:tight|frozen|cut|spent|allocated|used|gone|limited|"
            r"locked|fixed)",
            r"budgets? (?:are|were) (?:tight|frozen|cut|spent|allocated|locked|fixed)",
            r"(?:can't|cannot|can not|couldn't) (?:afford|justify|spend)",
            r"(?:cost|price|pricing|fee)s? (?:is|are|seems?|looks?) (?:too |a bit |way )?"
            r"(?:high|steep|much)",
            r"cost(?:-| )cutting",
            r"(?:spending|hiring) freeze",
            r"cheaper",
            r"(?:more than|beyond what) (?:we|i) (?:can|could) (?:justify|afford|spend|pay)",
            r"(?:justify|worth) the (?:cost|price|spend|investment)",
            r"roi (?:wasn't|isn't|is not|was not|doesn't|didn't|is unclear)",
            r"(?:price|cost|pricing|budget|money)(?: is|'s| was) (?:the |a |an |our )?(?:main |big"
            r" |"
            r"real |biggest )?(?:problem|issue|concern|blocker|sticking point|hurdle|constraint)",
            r"(?:expensive|pricey|overpriced|costly)",
            r"bootstrapped",
        ],
        "de": [
            r"(?:preislich|kostenmassig|finanziell) (?:nicht|zu|leider|liegt|passt|uber"
            r"|ausserhalb)",
            r"(?:uber|ausserhalb) (?:unserem|unseres|dem|unseren) budget",
            r"was wir ausgeben (?:konnen|wollen)",
            r"(?:zu|sehr|ziemlich|recht|etwas|einfach) teuer",
            r"(?:preislich|kostenmassig) (?:nicht|zu)",
            r"(?:kein|keine|kaum|begrenztes|knappes) budget",
            r"budget (?:ist|wurde|fehlt|reicht)",
            r"(?:preis|kosten|preise) (?:ist|sind|liegen) (?:zu|uns zu|deutlich zu)",
            r"(?:sparma(?:ss|ß)nahmen|kostendruck|budgetstopp|ausgabenstopp)",
            r"nicht leisten",
            r"gunstiger",
        ],
        "fr": [
            r"trop (?:cher|chere|couteux|onereux|elevee?)",
            r"(?:c'est|assez|un peu|tres|bien|plutot) (?:cher|chere|couteux)",
            r"(?:pas de|pas le|aucun|sans|peu de) budget",
            r"budget (?:est|a ete|serre|limite|epuise|gele)",
            r"(?:prix|tarif|cout)s? (?:est|sont|trop|un peu)",
            r"(?:pas les moyens|moins cher)",
        ],
        "es": [
            r"(?:demasiado|muy|bastante|algo|un poco|es|parece|resulta) car[oa]",
            r"(?:sin|no (?:tenemos|hay)|poco|ningun) presupuesto",
            r"presupuesto (?:esta|es|ya esta|ha sido) (?:agotado|cerrado|limitado|asignado|"
            r"congelado|ajustado)",
            r"(?:precio|coste|costo)s? (?:es|son|esta|estan) (?:demasiado|muy|algo) ",
            r"(?:no podemos permitir|mas barat[oa]|fuera de (?:nuestro|mi) presupuesto)",
        ],
        "pt": [
            r"(?:muito|bem|bastante|demasiado|um pouco|achei|acho|e|ficou|ficaria|esta) car[oa]",
            r"caro demais",
            r"(?:sem|nao temos|nao ha|pouco|nenhum) orcamento",
            r"orcamento (?:esta|e|ja esta|foi) (?:apertado|fechado|limitado|congelado|esgotado|"
            r"definido|curto)",
            r"(?:preco|custo|valor)(?:es)? (?:e|esta|sao|estao|ficou) (?:muito|alto|acima|elevado)",
            r"(?:fora do (?:nosso|meu) orcamento|mais barat[oa])",
        ],
        "nl": [
            r"(?:te|veel te|erg|vrij|best|nogal|behoorlijk|heel) (?:duur|prijzig|kostbaar)",
            r"(?:geen|weinig|beperkt) budget",
            r"budget (?:is|zit|ligt) (?:op|al|vast|bevroren|beperkt)",
            r"(?:prijs|kosten) (?:is|zijn|ligt|liggen) (?:te|erg|vrij) ",
            r"goedkoper",
        ],
    },
    "objection_timing": {
        "en": [
            r"(?:reach|check|circle|come|touch|follow) (?:out |back |up |base )?(?:again )?(?:when"
            r"|if|once) (?:you|we|it|things)",
            r"(?:no|not enough|limited|don't have the|do not have the|lack the|lack of|without the"
            r"|zero) (?:bandwidth|capacity|resources|headcount|time|cycles)",
            r"(?:not|isn't|is not|wrong|bad) (?:the )?(?:right |best |good |ideal )?time",
            r"(?:bad|poor|terrible|awkward|wrong) timing",
            r"timing (?:isn't|is not|is|'s) (?:right|great|ideal|good|bad|off|tricky)",
            r"(?:not|no) (?:a )?(?:priority|focus)",
            r"(?:too|really|very|super|pretty|extremely) (?:busy|swamped|stretched|slammed)",
            r"(?:maybe|perhaps|possibly|probably) (?:later|next|in|down the|another|at some)",
            r"(?:reach|check|circle|come|touch|follow) (?:out |back |up |base )?(?:again |with me"
            r" )?"
            r"(?:in|next|after|around|later|early|towards|toward|closer to|once|at the)",
            r"(?:revisit|reconnect|reconsider|revisiting|look at (?:this|it) again)",
            r"(?:next|in the next|early next|later this|in the new) (?:quarter|year|fiscal|month|"
            r"budget cycle|planning cycle)",
            r"(?:in|until|till|after) (?:q[1-4]|h[12]|the new year|(?:a |\d+ |a few |a couple "
            r"(?:of )?|six |three |two )months?|the summer|summer|autumn|fall|spring|winter|"
            r"january|february|march|april|may|june|july|august|september|october|november|"
            r"december|20\d\d)",
            r"(?:right now|at the moment|currently|for now|this quarter|this year)[^.!?\n]{0,40}"
            r"(?:but|maybe|perhaps)",
            r"(?:mid|middle of|in the middle of) (?:a |an |our )?(?:migration|reorg|"
            r"restructuring|rollout|merger|acquisition|hiring|fundraise|fundraising|launch)",
            r"(?:once|after|when) (?:we|we've|we have|our)[^.!?\n]{0,40}(?:finished|closed|"
            r"raised|launched|completed|hired|wrapped|done|settled|in place)",
            r"(?:other|higher|different) priorities",
            r"(?:keep|put) (?:me|us|this) (?:on file|in mind|posted|on the radar|on the back"
            r" burner)",
            r"(?:on|on the) (?:hold|back burner)",
            r"(?:too|a bit|little) (?:early|soon)",
        ],
        "de": [
            r"(?:keine|kaum|nicht genug|wenig) (?:kapazitat|kapazitaten|ressourcen|zeit"
            r"|bandbreite)",
            r"(?:nicht|kein) (?:der )?(?:richtige|passende|gute|gunstige) (?:zeitpunkt|moment)",
            r"(?:aktuell|derzeit|momentan|gerade|im moment)[\w ,]{0,30}(?:keine|nicht|kein)"
            r"(?: \w+){0,3} (?:zeit|kapazitat|kapazitaten|prioritat|fokus|ressourcen)",
            r"(?:keine|kaum) (?:zeit|kapazitat|kapazitaten|ressourcen)",
            r"(?:vielleicht|eventuell|gerne) (?:spater|nachstes|im nachsten|in einigen|in ein paar"
            r"|nach)",
            r"(?:melden sie sich|kommen sie|fragen sie|schreiben sie)[\w ]{0,20}(?:wieder|nochmal|"
            r"erneut|gerne) (?:im|in|nach|ab|zum|anfang|ende|mitte|spater)",
            r"(?:nachstes|im nachsten|kommendes|im kommenden|im neuen) (?:jahr|quartal|"
            r"geschaftsjahr|fruhjahr|sommer|herbst)",
            r"(?:in|ab|nach|bis) (?:q[1-4]|einigen monaten|ein paar monaten|dem sommer|"
            r"der sommerpause|januar|februar|marz|april|mai|juni|juli|august|september|oktober|"
            r"november|dezember|20\d\d)",
            r"(?:andere|anderen) prioritaten",
            r"zu fruh",
            r"(?:spater|zu einem spateren zeitpunkt)",
            r"(?:mitten in|stecken in)",
        ],
        "fr": [
            r"(?:pas|peu) (?:de|le) (?:temps|ressources|bande passante|capacite)",
            r"(?:pas|plus) (?:le bon|le meilleur|un bon) moment",
            r"(?:pas|plus) (?:une )?priorite",
            r"(?:mauvais|pas le bon) timing",
            r"(?:peut-etre|plutot|eventuellement) (?:plus tard|l'annee prochaine|dans|au|en|apres)",
            r"(?:recontactez|relancez|revenez vers|recontacter|relancer|reprendre contact)",
            r"(?:l'annee prochaine|le trimestre prochain|au prochain trimestre|a la rentree|"
            r"apres l'ete|dans (?:quelques|\d+|six|trois|deux) mois|en (?:q[1-4]|20\d\d))",
            r"(?:pas le temps|deborde|debordes|deja beaucoup|trop occupes?|d'autres priorites)",
            r"(?:plus tard|ulterieurement)",
            r"(?:trop tot|en pleine)",
        ],
        "es": [
            r"(?:sin|no tenemos|poco) (?:tiempo|recursos|capacidad)",
            r"no es (?:el |un )?(?:buen|mejor) momento",
            r"(?:mal|mal) momento",
            r"(?:no es|no son) (?:una )?prioridad",
            r"(?:quizas|quiza|tal vez|a lo mejor) (?:mas adelante|el proximo|en|despues)",
            r"(?:vuelve|vuelva|volver|contactanos|contactame|escribeme|escribenos|retomar|"
            r"retomemos)[\w ]{0,20}(?:en|mas adelante|el proximo|despues|dentro de)",
            r"(?:el proximo ano|el ano que viene|el proximo trimestre|despues del verano|"
            r"dentro de (?:unos|\d+|un par de|tres|seis) meses|en (?:q[1-4]|20\d\d))",
            r"(?:mas adelante|en otro momento)",
            r"(?:muy|demasiado) ocupad[oa]s?",
            r"otras prioridades",
            r"(?:en plena|en medio de)",
        ],
        "pt": [
            r"(?:sem|nao temos|pouco) (?:tempo|recursos|capacidade|braco)",
            r"nao e (?:o |um )?(?:bom |melhor )?momento",
            r"(?:nao e|nao sao) (?:uma )?prioridade",
            r"(?:talvez|quem sabe) (?:mais para frente|mais tarde|no proximo|em|depois|"
            r"mais adiante)",
            r"(?:volte|voltar|retome|retomar|retomamos|me procure|nos procure|entre em contato)"
            r"[\w ]{0,20}(?:em|mais para frente|no proximo|depois|daqui a|mais adiante)",
            r"(?:proximo ano|ano que vem|proximo trimestre|depois do verao|"
            r"daqui a (?:alguns|\d+|uns|tres|seis) meses|em (?:q[1-4]|20\d\d))",
            r"(?:mais para frente|mais adiante|mais tarde|em outro momento|outro momento)",
            r"(?:muito|bem) (?:ocupad[oa]s?|corrid[oa])",
            r"outras prioridades",
            r"(?:no meio de|em plena|em pleno)",
        ],
        "nl": [
            r"(?:geen|te weinig) (?:tijd|capaciteit|mensen|resources)",
            r"niet het (?:juiste|goede|beste) moment",
            r"(?:geen|niet de) prioriteit",
            r"(?:misschien|wellicht|eventueel) (?:later|volgend|in|na|over)",
            r"(?:neem|neemt|kom|komt|mail|benader)[\w ]{0,20}(?:later|volgend|over|na|in) ",
            r"(?:volgend jaar|volgend kwartaal|na de zomer|later dit jaar|"
            r"over (?:een paar|enkele|\d+|drie|zes) maanden|in (?:q[1-4]|20\d\d))",
            r"(?:op een later moment|later terug)",
            r"(?:te|erg|heel) druk",
            r"andere prioriteiten",
            r"(?:midden in|bezig met een)",
        ],
    },
    "objection_competitor": {
        "en": [
            r"locked (?:in|into)",
            r"(?:switching|changing|moving) (?:isn't|is not|is|'s) (?:not )?(?:on the table|an"
            r" option|possible|feasible|realistic)",
            r"(?:current|existing) (?:stack|setup|set-up|system|platform|tooling)",
            r"(?:mandate|mandates|mandated|standardi[sz]ed on|required to use|only allowed to use"
            r"|approved vendors?|procurement policy|company policy)",
            r"(?:another|a different|other) (?:vendor|provider|tool|solution|partner|agency"
            r"|platform|supplier)",
            r"(?:an? |our own |our )?(?:internal|in-house|inhouse|dedicated) (?:team|person"
            r"|resource|solution|tool|system|process)",
            r"(?:we|i) (?:already|currently) (?:use|have|work with|rely on|pay for|run|got)",
            r"(?:we're|we are|i'm|i am) (?:already |currently )?(?:using|working with|"
            r"locked into|tied into|committed to|under contract|in a contract|signed with|"
            r"invested in)",
            r"(?:we|i) (?:use|have) [\w.&'-]+(?: [\w.&'-]+)? (?:already|for (?:this|that|now)|"
            r"and (?:we're|we are|are|it's|it is) (?:happy|satisfied|fine|good))",
            r"(?:happy|satisfied|content|fine|good) with (?:our|the|what we|my) "
            r"(?:current|existing|present|setup|tool|vendor|provider|solution|partner|agency|"
            r"stack|system|process|team)",
            r"(?:happy|satisfied|content) with [\w.&'-]+",
            r"(?:are|we're|we are|is) (?:perfectly |quite |very |really )?(?:fine|happy|satisfied|"
            r"content|good) with",
            r"(?:already|currently) (?:have|got|use|using) (?:a|an|our own|one|something)\b",
            r"(?:built|build|do|handle|handled|doing) (?:it|this|that|everything|our own)?"
            r"(?: internally| in-house| in house)",
            r"in-?house (?:team|solution|tool|system)",
            r"(?:just|recently) (?:signed|renewed|bought|purchased|chose|went with|picked|"
            r"switched|implemented|rolled out)",
            r"(?:our|a) (?:contract|agreement) (?:with|runs|until|ends)",
            r"(?:have|has) (?:this|that) covered",
            r"(?:we're|we are) (?:an? )?[\w.&'-]+ (?:shop|house|customer|customers|user|users)",
            r"(?:wouldn't|won't|would not|will not|not going to|unlikely to|not sure we'd|not sure"
            r" we "
            r"would|don't see us|can't see us|no reason to) (?:\w+ )?(?:switch|switching|change"
            r"|changing|"
            r"move|moving|replace|replacing)",
            r"attached to (?:it|our|them|the)",
            r"(?:we've|we have|we|i've|i have) (?:already )?(?:tried|used|tested|trialled|trialed|"
            r"looked at) (?:a|an|something|similar|tools? like|this before|it before|one of"
            r" these)\b",
            r"(?:existing|current) (?:vendor|provider|supplier|solution|tool|partner|contract)",
        ],
        "de": [
            r"(?:wettbewerber|konkurrenz|mitbewerber|konkurrenten)",
            r"\w*vertrag (?:mit|bei|unterschrieben|verlangert|gebunden|lauft)",
            r"(?:einem|einen|ein|eine|einer) anderen? (?:anbieter|dienstleister|tool|partner"
            r"|agentur|losung|plattform)",
            r"mit (?:unserem|unserer|unseren|dem|der|den) [\w -]{0,30}(?:zufrieden|glucklich|gut"
            r" aufgestellt|gut versorgt)",
            r"(?:inhouse|eigenes team|eigene losung|eigenen vertrieb)",
            r"(?:nutzen|verwenden|haben|arbeiten|setzen) (?:wir )?(?:bereits|schon|aktuell"
            r"|derzeit)",
            r"(?:bereits|schon) (?:eine|einen|ein) (?:losung|anbieter|tool|dienstleister|partner|"
            r"agentur|system)",
            r"(?:zufrieden|glucklich) mit (?:unserem|unserer|dem|der|unseren)",
            r"(?:intern|inhouse|in-house|selbst) (?:gelost|abgedeckt|entwickelt|umgesetzt)",
            r"(?:vertrag|vertraglich) (?:gebunden|lauft|mit)",
            r"(?:gerade|kurzlich|erst) (?:verlangert|unterschrieben|eingefuhrt|entschieden)",
        ],
        "fr": [
            r"(?:bien|deja) (?:equipes?|outilles?)",
            r"(?:l'interet|aucun interet) de changer",
            r"(?:ne vois pas|ne voyons pas) (?:l'interet|pourquoi) (?:de )?changer",
            r"(?:un autre|une autre) (?:editeur|prestataire|fournisseur|outil|partenaire|agence"
            r"|solution|plateforme)",
            r"(?:engages|engagee|engagees|lies) avec",
            r"(?:utilisons|avons|travaillons|sommes) (?:deja|actuellement)",
            r"(?:deja|actuellement) (?:un|une) (?:outil|solution|prestataire|partenaire|agence|"
            r"fournisseur)",
            r"(?:satisfaits|contents|satisfait|content) (?:de|avec) (?:notre|nos|l'outil|la"
            r" solution)",
            r"(?:en interne|internalise)",
            r"sous contrat",
            r"(?:venons|vient) de (?:signer|renouveler|choisir)",
        ],
        "es": [
            r"(?:otro|otra) (?:proveedor|herramienta|agencia|solucion|partner|plataforma)",
            r"ya (?:usamos|utilizamos|tenemos|trabajamos|contamos|contratamos)",
            r"(?:contentos|satisfechos|content[oa]|satisfech[oa]) con (?:nuestro|nuestra|el|la|"
            r"nuestros)",
            r"(?:internamente|in-house|en casa)",
            r"(?:contrato|contratados) con",
            r"(?:acabamos de|recien) (?:firmar|renovar|contratar|elegir)",
        ],
        "pt": [
            r"(?:outro|outra) (?:fornecedor|ferramenta|agencia|solucao|parceiro|plataforma)",
            r"(?:ja|atualmente) (?:usamos|utilizamos|temos|trabalhamos|contamos|contratamos)",
            r"(?:satisfeitos|contentes|satisfeit[oa]|content[oa]) com (?:nosso|nossa|o|a|nossos)",
            r"(?:internamente|in-house|equipe interna|time interno)",
            r"contrato com",
            r"(?:acabamos de|recentemente) (?:assinar|renovar|contratar|escolher)",
        ],
        "nl": [
            r"(?:een andere|ander|andere) (?:leverancier|partij|tool|bureau|oplossing|platform)",
            r"(?:gebruiken|hebben|werken) (?:al|reeds|momenteel)",
            r"(?:al|reeds) (?:een) (?:oplossing|leverancier|tool|partner|bureau|systeem)",
            r"(?:tevreden|blij) met (?:onze|ons|de|het|huidige)",
            r"(?:intern|in-house|zelf) (?:opgelost|geregeld|ontwikkeld|gebouwd)",
            r"(?:contract|vastzitten|vast zitten) (?:met|aan|tot)",
            r"(?:net|onlangs|recent) (?:getekend|verlengd|gekozen|overgestapt)",
        ],
    },
    # ------------------------------------------------------------------ questions
    "question": {
        "en": [
            r"how much",
            r"(?:what|how) (?:does|do|would|will) (?:it|this|that|you) (?:cost|charge|run)",
            r"(?:what's|what is|what are) (?:the |your )?(?:price|pricing|cost|costs|fee|fees"
            r"|rate)",
            r"(?:price|pricing|cost)\?",
            r"(?:does|do|can|could|will|would|is|are) (?:it|this|that|you|your|the)"
            r"[^.!?\n]{2,80}\?",
            r"(?:how|what|who|which|where|why|when)[^.!?\n]{2,100}\?",
            r"(?:is there|are there|have you|do you have)[^.!?\n]{1,80}\?",
            r"any (?:references|case studies|customers|clients)",
            r"^\s*(?:what|how|who|which|where|why|when)\b[^\n.!]{2,80}$",
            r"^\s*(?:is|are|do|does|did|can|could|will|would|should|have|has)\s+(?:it|this|that"
            r"|you|"
            r"your|there|the|we|i)\b[^\n.!]{2,80}$",
        ],
        "de": [
            r"(?:was kostet|wie viel|wieviel|wie teuer|preise?\?|kosten\?)",
            r"(?:wie|was|wer|welche|welcher|welches|wo|warum|wann|gibt es|ist das|ist es|"
            r"funktioniert|lasst sich|kann|konnen|unterstutzt|haben sie|bieten sie)"
            r"[^.!?\n]{2,100}\?",
        ],
        "fr": [
            r"(?:combien|quel (?:est le |serait le )?(?:prix|tarif|cout)|quels sont (?:vos|les)"
            r" tarifs)",
            r"(?:comment|quel|quelle|quels|quelles|qui|ou|pourquoi|quand|est-ce|"
            r"est-il|avez-vous|proposez-vous|fonctionne|peut-on|pouvez-vous)[^.!?\n]{1,100}\?",
        ],
        "es": [
            r"(?:cuanto cuesta|cuanto vale|cual es el precio|que precio|precios?\?|cuanto cobran)",
            r"(?:como|que|quien|cual|cuales|donde|por que|cuando|tienen|tienes|funciona|se puede|"
            r"es posible|ofrecen|hay)[^.!?\n]{1,100}\?",
        ],
        "pt": [
            r"(?:quanto custa|qual (?:e )?o (?:preco|valor|custo)|quanto (?:e|sai|fica)|precos?\?)",
            r"(?:como|que|quem|qual|quais|onde|por que|porque|quando|voces tem|tem|funciona|"
            r"da para|e possivel|oferecem|existe)[^.!?\n]{1,100}\?",
        ],
        "nl": [
            r"(?:wat kost|hoeveel|wat is de prijs|wat zijn de kosten|prijs\?|kosten\?)",
            r"(?:hoe|wat|wie|welke|waar|waarom|wanneer|is het|kan het|kunnen jullie|werkt|"
            r"hebben jullie|bieden jullie|ondersteunt|is er)[^.!?\n]{1,100}\?",
        ],
    },
    # ---------------------------------------------------------- subject markers of auto mail
    "auto_subject": {
        "en": [
            r"automatic reply",
            r"auto(?:matic)?[- ]?(?:reply|response)",
            r"autoreply",
            r"^auto:",
            r"out of (?:the )?office",
            r"\booo\b",
            r"away from (?:the )?office",
            r"on (?:vacation|holiday|leave)",
            r"(?:we|i) (?:have )?received your",
            r"ticket",
            r"delivery status",
            r"undeliverable",
            r"undelivered mail",
        ],
        "de": [
            r"abwesenheitsnotiz",
            r"automatische antwort",
            r"abwesend",
            r"nicht im buro",
            r"eingangsbestatigung",
            r"urlaub",
        ],
        "fr": [
            r"reponse automatique",
            r"absence du bureau",
            r"absent",
            r"message d'absence",
            r"accuse de reception",
            r"en conge",
        ],
        "es": [r"respuesta automatica", r"fuera de (?:la )?oficina", r"ausente", r"de vacaciones"],
        "pt": [
            r"resposta automatica",
            r"ausencia",
            r"fora do escritorio",
            r"ausente",
            r"de ferias",
        ],
        "nl": [
            r"automatisch antwoord",
            r"afwezigheidsbericht",
            r"afwezig",
            r"niet aanwezig",
            r"op vakantie",
        ],
    },
}


# Single words that hint at a label. Used only as a last resort, when no phrase above matched
# and the reply is more than a thank-you, so that an unseen wording still lands near its label.
KEYWORDS: dict[str, dict[str, list[str]]] = {
    "objection": {
        "en": [
            r"budgets?",
            r"bandwidth",
            r"headcount",
            r"contracts?",
            r"locked in",
            r"expensive",
            r"pricey",
            r"afford",
            r"roi",
            r"vendors?",
            r"competitors?",
            r"renewal",
            r"priorit(?:y|ies)",
            r"price point",
        ],
        "de": [
            r"budget",
            r"kapazitat(?:en)?",
            r"vertrag(?:slaufzeit)?",
            r"anbieter",
            r"dienstleister",
            r"teuer",
            r"preis(?:e|lich)?",
            r"kosten",
            r"prioritat(?:en)?",
        ],
        "fr": [
            r"budget",
            r"contrat",
            r"prestataire",
            r"fournisseur",
            r"editeur",
            r"cher",
            r"couteux",
            r"priorites?",
            r"tarifs?",
        ],
        "es": [r"presupuesto", r"contrato", r"proveedor", r"caro", r"costoso", r"prioridad(?:es)?"],
        "pt": [r"orcamento", r"contrato", r"fornecedor", r"caro", r"prioridades?"],
        "nl": [r"budget", r"contract", r"leverancier", r"duur", r"prioriteit(?:en)?", r"kosten"],
    },
    "not_interested": {
        "en": [
            r"declin(?:e|ing)",
            r"^\s*(?:nope|nah|no)\b",
            r"not needed",
            r"unnecessary",
            r"irrelevant",
        ],
        "de": [r"^\s*nein\b", r"uninteressant", r"irrelevant", r"unnotig"],
        "fr": [r"^\s*non\b", r"inutile", r"pas besoin"],
        "es": [r"innecesario", r"irrelevante"],
        "pt": [r"^\s*nao\b", r"desnecessario", r"irrelevante"],
        "nl": [r"^\s*nee\b", r"onnodig", r"niet nodig"],
    },
    "wrong_person": {
        "en": [r"wrong", r"intern", r"retired", r"trainee"],
        "de": [r"falsche[nr]?", r"praktikant(?:in)?"],
        "fr": [r"stagiaire", r"trompe"],
        "es": [r"becari[oa]", r"equivocad[oa]"],
        "pt": [r"estagiari[oa]", r"errad[oa]"],
        "nl": [r"stagiair", r"verkeerde?"],
    },
    "auto_reply": {
        "en": [
            r"automatic(?:ally)?",
            r"automated",
            r"autoresponder",
            r"business days",
            r"working days",
            r"ticket",
            r"do not reply",
            r"office hours",
            r"opening hours",
        ],
        "de": [r"automatisch", r"werktage[n]?", r"offnungszeiten", r"geschaftszeiten"],
        "fr": [r"automatique", r"jours ouvres", r"heures d'ouverture"],
        "es": [r"automatic[oa]", r"dias habiles", r"horario de atencion"],
        "pt": [r"automatic[oa]", r"dias uteis", r"horario de atendimento"],
        "nl": [r"automatisch", r"werkdagen", r"openingstijden"],
    },
    "out_of_office": {
        "en": [r"vacation", r"holidays?(?! season)", r"pto", r"sabbatical", r"leave"],
        "de": [r"urlaub", r"elternzeit"],
        "fr": [r"vacances", r"conges?"],
        "es": [r"vacaciones"],
        "pt": [r"ferias"],
        "nl": [r"vakantie", r"verlof"],
    },
    "meeting_request": {
        "en": [r"call", r"meeting", r"demo", r"zoom", r"calendar", r"calendly"],
        "de": [r"termin", r"telefonat", r"anruf", r"gesprach"],
        "fr": [r"appel", r"rdv", r"rendez-vous", r"visio"],
        "es": [r"llamada", r"reunion", r"videollamada"],
        "pt": [r"ligacao", r"reuniao", r"chamada"],
        "nl": [r"afspraak", r"bellen", r"gesprek"],
    },
    # The data-protection laws are named mostly to demand erasure.
    "unsubscribe_request": {
        "en": [r"gdpr"],
        "de": [r"dsgvo"],
        "fr": [r"rgpd"],
        "es": [r"rgpd"],
        "pt": [r"lgpd"],
        "nl": [r"avg"],
    },
    # A spam complaint without a removal request is `other` (reply-labels.md); a removal
    # request matches the unsubscribe lexicon above, whatever else the reply says.
    "other": {
        "en": [r"spam(?:ming|med)?", r"unsolicited"],
        "de": [r"unerwunscht", r"spam"],
        "fr": [r"non sollicite", r"spam"],
        "es": [r"no solicitado", r"spam"],
        "pt": [r"nao solicitado", r"spam"],
        "nl": [r"ongevraagd", r"spam"],
    },
}


# A reply made only of thanks / acknowledgements / greetings (any of the six languages).
ACK_ONLY_PATTERN = (
    r"^(?:\W|\d|(?:hi|hey|hello|dear|hallo|moin|bonjour|salut|hola|ola|oi|hoi|beste|"
    r"thanks?|thank you|thx|ty|tks|cheers|ok|okay|oke|k|kk|got it|noted|received|will do|"
    r"great|perfect|cool|nice|appreciate it|much appreciated|you too|same to you|likewise|"
    r"happy holidays|happy new year|merry christmas|all the best|best|regards|"
    r"danke|vielen dank|danke schon|alles klar|verstanden|erhalten|zur kenntnis genommen|"
    r"prima|super|frohe feiertage|merci|merci beaucoup|bien recu|bien note|note|d'accord|"
    r"parfait|bonne journee|bonnes fetes|gracias|muchas gracias|recibido|entendido|perfecto|"
    r"vale|de acuerdo|felices fiestas|obrigad[oa]|muito obrigad[oa]|valeu|recebido|"
    r"combinado|beleza|boas festas|bedankt|dank je(?: wel)?|dank u(?: wel)?|dankjewel|"
    r"ontvangen|helder|top|fijne feestdagen|\w{1,2})(?=\W|$))*+$"
)


# More explicit opt-outs (written from the dev split's misses and the usual ways of saying it;
# never from the frozen test split). Appended to LEXICON["unsubscribe"].
_UNSUBSCRIBE_MORE: dict[str, list[str]] = {
    "en": [
        r"(?:i|we) (?:request|ask) (?:that )?you (?:delete|erase|remove) (?:all (?:my|our|the "
        r"personal)|my|our)",
        r"leave (?:me|us) alone",
        r"^\s*no more(?: please| thanks| thank you)?[.!]*\s*$",
        r"^\s*\[[\w ]{2,12}\]\s*(?:please )?(?:remove|unsubscribe|stop)(?: me| us)?[.!]*\s*$",
        r"(?:erasure|deletion) of (?:all )?(?:(?:my|our|his|her) (?:personal )?(?:data|details|"
        r"information)|(?:the )?(?:personal )?(?:data|information) (?:you hold )?(?:about|on) "
        r"(?:me|us))",
        r"how (?:do|can|could) i (?:get off (?:this|your|the) (?:\w+ )?(?:list|mailing|sequence)|"
        r"unsubscribe|opt out|be removed|get removed|stop (?:these|your))",
        r"(?:i\'d|i would|id) (?:much )?rather not (?:get|receive|be sent|hear) "
        r"(?:these|this|them|any more|anything|your|such)",
        r"(?:took|taken|taking) (?:me|us) off (?!(?:the |your )?waiting)(?:your|the|this|all) "
        r"(?:\w+ )?(?:list|lists|mailing|sequence|database|campaign)",
        r"please remove (?:his|her|their|my|our) (?:name|details|data|address|contact|e-?mail|"
        r"information)(?: and \w+(?: \w+)?)? from (?:all )?(?:your|the|these) (?:\w+ )?(?:list|"
        r"lists|"
        r"mailing|database|systems?|crm|records|contacts)",
        r"no (?:more|further) (?:e-?mails?|mails|messages|mailings)(?: please)?",
        r"(?:remove|delete|erase) (?:me|my (?:address|e-?mail|details|data|contact details))",
        r"(?:delete|remove|erase) me from",
        r"(?:don't|do not|dont) (?:send|want) (?:me )?any (?:more|further)",
        r"opt(?:-| )?out",
        r"^\s*(?:stop|remove|unsubscribe)[^\w\n]*$",
    ],
    "de": [
        r"keine werbung (?:per e-?mail|an diese|mehr)",
        r"(?:schicken|senden)(?:\'?s| sie)? mir (?:\w+ )?(?:nix|nichts) mehr",
        r"unterlassen sie (?:\w+ ){0,3}(?:weitere|jede|jegliche|kunftig) (?:\w+ )?(?:e-?mails|"
        r"mails|"
        r"zusendungen|kontaktaufnahmen?|werbung|nachrichten|anschreiben)",
        r"horen sie (?:bitte )?auf,? (?:mir|uns) zu (?:schreiben|mailen)",
        r"loschen sie (?:\w+ ){0,3}(?:die |meine |unsere )?daten",
        r"schreiben sie (?:mir|uns) (?:bitte )?nicht mehr",
        r"nehmen sie mich (?:\w+ ){0,2}(?:vo|von|aus) (?:ihrer|ihrem|der|dem|eurer)",
        r"(?:lasst|lassen sie|lass) (?:mich|uns) (?:\w+ ){0,2}in ruhe",
        r"(?:mich|uns) (?:bitte )?(?:aus|von) (?:der|dem|ihrer|ihrem|eurer|eurem|diesem|dieser) "
        r"(?:[\w-]+ )?(?:sequenz|kampagne|liste|verteiler|mailingliste|datenbank|kontaktliste) "
        r"(?:zu )?(?:nehmen|streichen|entfernen|loschen|austragen)",
        r"(?:mochte|will|mochten|wollen)(?: [\w-]+){0,4} nicht mehr (?:bekommen|erhalten|"
        r"zugeschickt)",
        r"(?:schicken|senden) sie mir (?:bitte )?nichts mehr",
        r"wie (?:kann ich mich|melde ich mich|komme ich) (?:\w+ ){0,3}(?:ab|austragen|raus|"
        r"abmelden)",
        r"^\s*bitte (?:loschen|austragen|entfernen)[.!]*\s*$",
        r"bitte (?:loschen|entfernen|streichen|austragen)(?: sie)? (?:mich|uns|meine (?:daten|"
        r"adresse|"
        r"e-?mail))(?! nicht)(?! aus (?:dem |der )?cc)",
        r"(?:will|mochte|wollen|mochten) nichts (?:mehr )?von (?:ihnen|euch|dir|ihrer firma) "
        r"(?:bekommen|erhalten|horen|lesen)",
        r"nehmen sie (?:meine|unsere) (?:[\w-]+ )?(?:adresse|e-?mail|daten|kontaktdaten) raus",
        r"(?:kontaktaufnahme|werbung|zusendungen?|nutzung meiner daten|"
        r"verarbeitung meiner daten) widerspreche ich",
        r"widerspreche (?:ich )?(?:hiermit )?(?:ausdrucklich )?(?:der|jeder|"
        r"ihrer) (?:weiteren )?(?:kontaktaufnahme|nutzung|verarbeitung|werbung|zusendung)",
        r"(?:meine|unsere) (?:personenbezogenen )?(?:daten|kontaktdaten|e-?mail-?adresse|adresse)"
        r"\b[\w ,]{0,30}\b(?:zu )?loschen",
        r"(?:aus|von) (?:dem|ihrem|ihrer|der|eurem|eurer|diesem|dieser) (?:[\w-]+ )?"
        r"(?:verteiler|liste|mailingliste|kontaktliste|datenbank)",
        r"keine (?:[\w-]+ ){0,2}(?:mails?|e-?mails?|nachrichten|werbung|zusendungen) mehr",
        r"(?:nicht mehr|nie wieder|nicht wieder) (?:an)?(?:schreiben|kontaktieren|mailen|anmailen)",
        r"(?:loschung|entfernung) (?:meiner|unserer) (?:daten|adresse|kontaktdaten|e-?mail)",
        r"(?:loschen|entfernen|streichen) sie (?:mich|meine|uns)(?! nicht)"
        r"(?! aus (?:dem |der )?cc)",
        r"(?:abbestellen|austragen|abmelden)",
        r"^\s*(?:stopp?|abmelden|austragen)[^\w\n]*$",
        r"(?:meine|unsere) (?:adresse|e-?mail-?adresse|daten) (?:\w+ ){0,2}(?:raus|loschen|"
        r"entfernen|streichen)",
    ],
    "fr": [
        r"(?:supprimer|effacer|effacement de|suppression de) (?:l\'ensemble (?:de mes|des donnees "
        r"me concernant)|toutes? (?:mes|les donnees me concernant)|mes) (?:donnees|informations)?",
        r"retirer (?:cette|mon|notre) adresse",
        r"m\'oppose (?:a|au) (?:tout|toute|le) (?:traitement|prospection|envoi)",
        r"cesser tout (?:envoi|contact)",
        r"sortez(?:-| )(?:moi|nous)",
        r"(?:foutez|fichez)(?:-| )(?:moi|nous) la paix",
        r"laissez(?:-| )(?:moi|nous) tranquilles?",
        r"prefer\w* ne (?:plus|pas) (?:recevoir|etre contacte|etre sollicite)",
        r"(?:me|nous) (?:sortir|retirer|enlever|desinscrire) de (?:votre|vos|la|cette|ce) (?:\w+ )?"
        r"(?:liste|fichier|base|mailing|newsletter|campagne|sequence|envois|diffusion)",
        r"comment (?:me desinscrire|me desabonner|ne plus recevoir|faire pour ne plus)",
        r"(?:desabonnez|desinscrivez|retirez|supprimez|rayez)(?:-| )(?:moi|nous)",
        r"(?:je m\'oppose|nous nous opposons|opposition) a (?:toute |la |votre |"
        r"vos )?(?:prospection|sollicitations?|utilisation de mes donnees|"
        r"traitement de mes donnees)",
        r"(?:supprimez|effacez|retirez|enlevez|supprimer|effacer|retirer) (?:mes|nos|mon|notre) "
        r"(?:donnees|coordonnees|adresse|e-?mail|contact)",
        r"(?:suppression|effacement) de (?:mes|nos) (?:donnees|coordonnees)",
        r"(?:retirez|supprimez|enlevez)(?:-| )(?:moi|nous)",
        r"plus (?:de|aucun) (?:mails?|e-?mails?|messages|courriels?)",
        r"ne (?:m'|me |nous )?(?:ecrivez|envoyez|contactez|relancez|sollicitez) plus",
        r"ne plus (?:me |m'|nous )?(?:contacter|ecrire|relancer|solliciter|envoyer)",
        r"(?:je ne veux|nous ne voulons) plus (?:recevoir|etre contacte)",
        r"^\s*(?:stop|desinscription|desabonnement)[.!]*(?: svp| merci)?[^\w\n]*$",
    ],
    "es": [
        r"supresion de (?:todos )?(?:mis|nuestros|los) datos",
        r"(?:los|que los) suprima\w*",
        r"se abstenga de (?:remitir|enviar|contactar|escribir)",
        r"(?:ya )?no (?:me|nos) (?:manden|mandes|mande|envien|envies|escriban) (?:mas )?"
        r"(?:correos|emails|mensajes)",
        r"(?:dejadme|dejenme|dejame|dejeme) en paz",
        r"pref(?:er|ier|ir)\w* no (?:recibir|que me (?:escrib|contact|envi)\w*)",
        r"no (?:me|nos) (?:incluyais|incluyan|incluyas|incluya|metais|metan) en (?:mas|vuestros|"
        r"sus|tus)",
        r"(?:supriman|eliminen|borren) (?:de (?:su|vuestro|tu) \w+ )?(?:los|todos los|mis|"
        r"sus) datos",
        r"como (?:me doy|hago para darme|puedo darme) de baja",
        r"no (?:me |nos )?(?:vuelvan|vuelvas|vuelva|volvais) a "
        r"(?:escribir|contactar|enviar|mandar)\w*",
        r"(?:elimin|borr|quit|sac)(?:ad|en|a|e)(?:me|nos) de (?:la|las|vuestra|vuestras|tu|tus|su|"
        r"sus|"
        r"esta|estas) (?:\w+ )?(?:lista|listas|base|mailing|envios|correos|bbdd)",
        r"(?:elimin|borr)(?:ad|en|a) (?:mi|nuestro) (?:correo|email|contacto|direccion)",
        r"me opongo a (?:recibir|que me (?:envi|escrib|contact)\w*|(?:cualquier|toda|"
        r"todo) (?:tipo de )?"
        r"(?:comunicacion|envio|tratamiento|prospeccion)\w*|el tratamiento)",
        r"^\s*(?:por favor,? )?(?:la )?baja(?:,? (?:por favor|gracias))?[^\w\n]*$",
        r"(?:elimin|borr|quit|sac)(?!ad[oa]s?\b|aste|aron\b|o\b)\w* (?:mis|nuestros|mi) "
        r"(?:datos|correo|direccion|email|contacto)",
        r"(?:eliminacion|supresion|borrado) de (?:mis|nuestros) datos",
        r"(?:elimin|borr|quit|sac)\w*(?:me|nos) de (?:la|vuestra|tu|su) (?:lista|base)",
        r"no (?:me|nos) (?:contact|escrib|mand|envi)\w* (?:mas|nunca)",
        r"no (?:mas|quiero mas) (?:correos|emails|mensajes)",
        r"(?:dame|darme|denme|darnos|quiero darme) de baja",
    ],
    "pt": [
        r"quero que (?:apaguem|removam|eliminem|excluam) (?:\w+ ){0,2}(?:tudo|meus|meu|minha|dados|"
        r"contato|contacto|e-?mail)",
        r"(?:retirassem|retirem|removam|tirem|tirassem) da (?:vossa|sua) (?:lista|base)",
        r"(?:retir|remov|tir|apag|exclu)\w* (?:o|a|os) (?:\w+ ){0,2}(?:da|de|do) "
        r"(?:vossa|sua|vosso|seu) (?:base|lista|mailing|cadastro)",
        r"(?:me |nos )?deixem? em paz",
        r"pref(?:er|ir)\w* nao (?:receber|ser contat\w*|ser contact\w*)",
        r"^\s*sair[.!]*\s*$",
        r"(?:como (?:faco|posso) (?:para )?)?sair (?:dessa|desta|da) (?:lista|base|mailing)"
        r"(?! de espera)",
        r"(?:eliminem|apaguem|excluam|removam) (?:do (?:vosso|seu) \w+ )?(?:os|todos os|"
        r"meus) dados",
        r"(?:me|nos) (?:remov|exclu|apag)(?:am|em)\b",
        r"(?:apag|exclu|remov)(?:uem|am|em) (?:o |a )?(?:meu|minha|nosso) "
        r"(?:e-?mail|contato|endereco|cadastro|dados)",
        r"(?:eliminacao|exclusao|apagamento) (?:de todos os |dos |de )?(?:meus|nossos) dados",
        r"(?:me oponho|oponho-me) a (?:receber|qualquer|que)",
        r"(?:apag|exclu|remov|delet|tir)\w* (?:os |o |a )?(?:meus|meu|minha|nossos) "
        r"(?:dados|contatos?|email|e-mail|endereco|cadastro)",
        r"exclusao (?:dos|de) (?:meus|nossos) dados",
        r"(?:me |nos )?descadastr\w*",
        r"(?:me |nos )?(?:remov|tir|exclu)\w* da (?:sua |vossa |de voces |)?(?:lista|base)",
        r"(?:remov|tir|exclu)\w*(?:-me|-nos| me| nos) da (?:lista|base)",
        r"nao (?:me |nos )?(?:envi|mand|escrev)\w* mais",
        r"nao (?:entre|entrem|entra) mais em contato",
        r"nao (?:me |nos )?(?:contat|contact|procur)\w* mais",
        r"(?:pare|parem|para) de (?:me |nos )?(?:enviar|mandar|escrever|contatar)",
        r"^\s*(?:pare|parem|remover|descadastre|descadastrar)[^\w\n]*$",
        r"(?:chega|basta) de e-?mails",
    ],
    "nl": [
        r"(?:kappen|stop|stoppen|ophouden) met (?:die|deze|jullie|je|uw) "
        r"(?:mails|e-?mails|berichten)",
        r"verwijder (?:dit|mijn) (?:e-?mail)?adres",
        r"wil (?:dit soort|deze|zulke|jullie|uw) (?:mails|e-?mails|berichten) niet meer",
        r"mail (?:me|mij|ons) (?:aub |alsjeblieft |svp |a\.u\.b\. |tot die tijd |"
        r"voortaan )?niet meer",
        r"(?:zet|haal) (?:me|mij|ons) (?:uit|van|af) (?:deze|de|die|jullie|je|uw) (?:\w+ ){0,2}"
        r"(?:lijst|mailinglijst|verzendlijst|bestand|reeks|mailing|mails|e-?mails)",
        r"niet (?:langer|meer) (?:te )?(?:contacteren|mailen|benaderen|e-?mailen)",
        r"(?:uit|van) (?:uw|jullie|je|het|de|dit) (?:[\w-]+ )?(?:bestand|databank|database|lijst) "
        r"(?:verwijderd|geschrapt)",
        r"laat (?:me|mij|ons) (?:met rust|met vrede)",
        r"(?:zet|plaats) (?:me|mij|ons) (?:\w+ ){0,3}niet (?:meer )?op (?:jullie|uw|je|de) "
        r"(?:\w+ )?(?:lijst|mailinglijst|verzendlijst)",
        r"(?:uit|van) (?:je|jullie|uw|de) (?:\w+ )?(?:reeks|sequentie|mailing|"
        r"lijst) (?:te )?(?:halen|verwijderen)",
        r"hoe (?:meld|schrijf) ik (?:me|mij) (?:\w+ ){0,4}(?:af|uit)",
        r"(?:verwijder|wis) (?:al )?(?:mijn|onze) (?:gegevens|adres|e-?mailadres)",
        r"(?:uit|van) (?:uw|jullie|je|het|de|dit) (?:[\w-]+ )?(?:bestand|database|mailinglijst|"
        r"mailing|verzendlijst|lijst|systeem|adressenbestand|crm) (?:te )?(?:verwijderen|halen|"
        r"schrappen|afhalen)",
        r"(?:mijn|onze) (?:persoons)?gegevens\b[\w ,]{0,40}\b(?:te )?(?:verwijderen|wissen)",
        r"geen (?:contact|e-?mails?|mails|berichten|mailtjes) meer",
        r"(?:neem|neemt|neem je) geen contact (?:meer )?(?:met (?:me|mij|ons) )?op",
        r"niet meer (?:mailen|e-?mailen|contacteren|benaderen|berichten)",
        r"mail (?:me|mij|ons|dit adres) niet meer",
        r"(?:verwijder|schrap) (?:me|mij|ons|mijn [\w-]+) (?:van|uit|eraf)",
        r"haal (?:me|mij|ons|mijn [\w-]+) (?:eraf|(?:van|uit) (?:de|jullie|je|uw|het|dit|deze) "
        r"(?:\w+ )?(?:lijst|mailinglijst|verzendlijst|bestand|database|mailing|systeem))",
        r"(?:verwijder|wis|schrap) (?:mijn|onze) (?:gegevens|adres|e-?mailadres)",
        r"verwijdering van (?:mijn|onze) gegevens",
        r"(?:afmelden|uitschrijven)",
        r"^\s*stop[^\w\n]*$",
    ],
}
for _lang, _patterns in _UNSUBSCRIBE_MORE.items():
    LEXICON["unsubscribe"][_lang].extend(_patterns)


# A short "yes" takes its meaning from what the quoted message asked (reply-labels.md). A reply
# is a short yes when, besides greetings, thanks, "please" and at most one other word (a
# name), it holds only these words.
AFFIRM_WORDS = (
    r"yes|yeah|yep|yup|sure|sure thing|please do|go ahead|why not|absolutely|definitely|"
    r"of course|sounds good|works for me|let's do it|lets do it|"
    r"ja|gerne|gern|klar|na klar|passt|jawohl|sicher|selbstverstandlich|gerne doch|"
    r"einverstanden|machen wir|warum nicht|klingt gut|"
    r"oui|ouais|volontiers|d'accord|bien sur|pourquoi pas|avec plaisir|ca marche|"
    r"allez-y|allez y|carrement|ca me va|"
    r"si|claro|dale|vale|por supuesto|de acuerdo|adelante|por que no|venga|"
    r"me parece bien|sale|con gusto|encantad[oa]|"
    r"sim|pode|pode ser|bora|com certeza|manda|pode mandar|por que nao|claro que sim|"
    r"graag|zeker|akkoord|doe maar|lijkt me goed|waarom niet|klinkt goed|natuurlijk|"
    r"uiteraard|stuur maar"
)
# Words a short yes may carry besides its "yes"; alone they are an acknowledgement ("Top,
# thanks!", "Perfecto, gracias", "Alles klar"), which stays `other`.
AFFIRM_FILLER = (
    r"hi|hey|hello|dear|hallo|moin|servus|bonjour|salut|hola|buenas|ola|oi|hoi|beste|"
    r"thanks?|thank you|thx|ty|cheers|danke|danke schon|vielen dank|merci|merci beaucoup|"
    r"gracias|muchas gracias|obrigad[oa]|valeu|bedankt|dank je(?: wel)?|dank u(?: wel)?|"
    r"please|pls|bitte|s'il vous plait|svp|por favor|alstublieft|alsjeblieft|aub|"
    r"send|it|over|me|mir|moi|me lo|mandame|envoyez|stuur|that|das|ca|"
    r"would be great|great|super|cool|nice|good|with pleasure|ok|okay|oke|alles klar|"
    r"perfect|fine|deal|parfait|entendu|perfecto|genial|perfeito|otimo|beleza|fechado|"
    r"combinado|certo|tudo bem|prima|goed|is goed|top"
)
NEGATION_WORDS = (
    r"no|not|nope|never|nein|nicht|kein|keine|non|pas|jamais|nunca|nao|nee|niet|geen|nooit|"
    r"but|aber|mais|pero|maar|later|spater|plus tard|despues|depois"
)
# Questions in a quoted pitch that are its opt-out footer, not its ask.
QUOTE_FOOTER_PATTERN = (
    r"unsubscri|opt(?:-| )?out|no (?:more|further) (?:e-?mails|messages)|stop (?:receiving|"
    r"getting)|"
    r"plus recevoir|plus de (?:mails|messages|e-?mails)|weitere(?:n)? (?:e-?mails|mails|"
    r"nachrichten)|"
    r"keine (?:e-?mails|mails|nachrichten)|recibir (?:mas|estos)|mas correos|receber (?:mais|"
    r"estes)|"
    r"mais e-?mails|geen (?:berichten|e-?mails|mails) meer|not interested|nicht interessiert|"
    r"kein interesse|abmelden|"
    r"austragen|pas interesse|desinscri|desabonn|no te interesa|no le interesa|de baja|"
    r"nao tem interesse|nao (?:te |lhe )?interessa|descadastr|geen interesse|afmelden|"
    r"uitschrijven|wrong person|right person|falsche person|bonne personne|persona adecuada|"
    r"pessoa certa|juiste persoon"
)
# A quoted ask that proposes a call, a meeting or a time (else it offers material).
ASK_MEETING_PATTERN = (
    r"call|chat|meeting|meet|demo(?! ?video)|talk|minutes|mins?|calendar|slot|walkthrough|zoom|"
    r"teams|availability|available|\w*(?:afspraak|gesprek|termin|gesprach|telefonat)|"
    r"verfugbar\w*|disponib\w*|beschikbaar|inplannen|"
    r"coffee|"
    r"telefonat|termin|gesprach|sprechen|treffen|anruf|telefonieren|austausch|videocall|"
    r"appel|rendez-vous|rdv|echange|echanger|visio|creneau|"
    r"reunion|llamada|videollamada|hablar|charla|cafe|"
    r"reuniao|ligacao|conversa|conversar|chamada|bate-papo|papo|"
    r"gesprek|bellen|afspraak|kennismaking|kennismaken|koffie|"
    r"monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|"
    r"segunda|terca|quarta|quinta|sexta|maandag|dinsdag|woensdag|donderdag|vrijdag|"
    r"\d{1,2}(?::\d{2})?\s?(?:am|pm|h|uhr|u)|\d{1,2}:\d{2}"
)

# A quoted question in which the sender offers to stop ("Should I close your file?", "Soll ich
# Sie aus meinem Verteiler nehmen?"): a short yes to it is an opt-out.
ASK_STOP_PATTERN = (
    r"(?:should|shall|do you want me to|would you like me to|want me to|prefer (?:that )?i|"
    r"soll ich|sollen wir|mochten sie,? dass ich|wollen sie,? dass ich|lieber,? dass ich|"
    r"voulez-vous que je|souhaitez-vous que je|dois-je|preferez-vous que je|"
    r"prefier\w* que|quier\w* que|"
    r"quer que eu|prefere que eu|devo|"
    r"zal ik|moet ik|wil je dat ik|wilt u dat ik|liever dat ik)"
    r"[\w ,'-]{0,60}?\b(?:stop (?:emailing|writing|contacting|reaching out|following up)|"
    r"remove you|close your file|take you off|unsubscribe you|leave you alone|"
    r"(?:aus|von) (?:meinem|unserem|dem) verteiler|nicht mehr (?:schreiben|kontaktieren|melden|"
    r"mailen|anschreiben)|in ruhe lassen|arret\w* de vous (?:ecrire|contacter|relancer)|"
    r"cess\w* de vous (?:ecrire|contacter|relancer)|plus vous (?:ecrire|contacter|relancer)|"
    r"vous retirer|deje de (?:escribir|contactar|molestar)\w*|dejar de (?:escribir|contactar)\w*|"
    r"te (?:de|doy) de baja|darte de baja|darle de baja|"
    r"par(?:e|ar) de (?:te |lhe )?(?:escrever|enviar|contatar|contactar)\w*|"
    r"remover (?:voce|seu e-?mail|o seu contato)|tirar (?:voce|seu e-?mail) da lista|"
    r"stoppen met (?:mailen|e-?mailen|schrijven)|je (?:van|uit) (?:de|mijn) lijst|"
    r"ophouden met (?:mailen|schrijven)|niet meer (?:mailen|benaderen|schrijven|contacteren))"
)
