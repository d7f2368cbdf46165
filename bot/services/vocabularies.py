"""The words Serve reads closed deals by in Spanish, Brazilian Portuguese, German and French,
one vocabulary per language, kept together so each language reads the same way.

A post's language is decided from the post itself (its words), never from the poster:
one team writes in three languages, and CRMs post in the workspace's. English is the
reading recognition has always had; a post is read in another language only when that
language's words outnumber English ones. People leave accents out ("comecamos",
"signe"), shout, and inflect verbs, so every word here is written folded (no accents,
lower case, "ß" as "ss") and matched against the folded post, and verbs are written as
stems with their endings. Pure and linear: each pattern is a plain alternation, and any
gap inside one is bounded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


def fold(text: str) -> str:
    """The text as the vocabularies are written: no accents, lower case, one apostrophe."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words_for(*alternatives: str) -> re.Pattern[str]:
    """One pattern for many ways of saying a thing, each a whole word or phrase."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _phrases(*said: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(phrase.split()) for phrase in said)


@dataclass(frozen=True)
class Language:
    """How a post in one language says a deal was won, and how it says one was not."""

    code: str
    markers: frozenset[str]  # words that tell the language from English and the others
    won: re.Pattern[str]  # a clause that says the business was won
    strong: re.Pattern[str]  # a win said so plainly that it needs no name ("¡Firmado!")
    anchor_words: re.Pattern[str]  # a win word a name follows or precedes (full word)
    anchor_phrases: frozenset[tuple[str, ...]]  # the same, said in words ending the phrase
    not_yet: re.Pattern[str]  # in the clause: negation, future, hope, almost, if
    later: re.Pattern[str]  # in the clause: next week, tomorrow, a weekday
    lost: re.Pattern[str]  # anywhere: the deal did not happen
    not_a_sale: re.Pattern[str]  # in the clause: a ticket or an office closed, a hire
    documents: re.Pattern[str]  # in the sentence: an NDA, a letter of intent
    pending: re.Pattern[str]  # anywhere: a signature still to come
    elsewhere: re.Pattern[str]  # anywhere: the team buying, a trial, a hire, a birthday
    question: re.Pattern[str]  # a sentence starting as a question does
    hints: re.Pattern[str]  # wins said in words that leave it to a person
    sold: re.Pattern[str]  # what was sold, backing a win
    cheer: re.Pattern[str]  # how people cheer one
    unsettled: re.Pattern[str]  # a draft, a partner's deal: a person settles it
    filler: frozenset[str]  # between a win word and its customer: articles, the deal
    linking: frozenset[str]  # between a customer and the win word after it
    connectors: frozenset[str]  # inside a name: "Ayuntamiento de Zaragoza"
    common: frozenset[str]  # never a customer's name on their own
    welcome: frozenset[str]  # "¡Bienvenido, X!"
    # "acaba de firmar", "vient de signer": a win verb's infinitive after "has just"
    just_did: re.Pattern[str] = re.compile(r"(?!)")
    purpose: frozenset[str] = frozenset()  # "für", "para": what a contract is for, not who
    field_keys: dict[str, frozenset[str]] = field(default_factory=dict)
    multipliers: dict[str, int] = field(default_factory=dict)  # "mil", "Mio.", "Mrd"


THOUSAND, MILLION, BILLION = 1_000, 1_000_000, 1_000_000_000
WEEKDAYS_ES = "lunes|martes|miercoles|jueves|viernes"
WEEKDAYS_PT = "segunda|terca|quarta|quinta|sexta|segunda-feira|terca-feira|quarta-feira"
WEEKDAYS_DE = "montag|dienstag|mittwoch|donnerstag|freitag"
WEEKDAYS_FR = "lundi|mardi|mercredi|jeudi|vendredi"
MONTHS_ES = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre"
)
MONTHS_PT = (
    "janeiro|fevereiro|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
)
MONTHS_DE = (
    "januar|janner|februar|marz|maerz|april|mai|juni|juli|august|september|oktober|"
    "november|dezember"
)
MONTHS_FR = "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
# English win words a post in another language borrows ("Deal closed con Glovo").
BORROWED_WIN = r"deal (?:closed|signed|won)|closed won"

SPANISH = Language(
    code="es",
    markers=_listed(
        """el los las del con para por una hoy ayer cerramos firmamos ganamos firmado cerrado
        contrato cliente clientes semana que es esta muy pero tambien nuevo nueva nuestro
        nuestra hemos ya mes ano anos alguien sabe lo al venta negocio gracias equipo
        manana todavia aun mas pedido licitacion enhorabuena felicidades y ha han fue
        factura pagaron cobrado cobramos renovado renueva"""
    ),
    won=_words_for(
        r"cerr(?:amos|e|o|aron|ado|ada|ados|adas)",
        r"firm(?:amos|e|o|aron|ado|ada|ados|adas)",
        r"gan(?:amos|e|o|aron|ado|ada)",
        r"adjudicad[oa]s?|nos adjudicaron|nos eligieron",
        r"nuev[oa] cliente|(?:ya|ahora) es (?:nuestr[oa] )?(?:nuev[oa] )?cliente",
        r"oportunidad ganada|trato (?:cerrado|ganado)|negocio (?:cerrado|ganado)",
        r"venta cerrada|cerrado ganado|nueva venta|venta nueva",
        r"(?:cerr|firm|gan)ao",  # "cerrao'": the d dropped, as Chile and Andalusia say it
        r"(?:presupuesto|cotizacion|propuesta|oferta) (?:aceptad[oa]|firmad[oa])",
        r"(?:orden de compra|pedido) (?:recibid[oa]|confirmad[oa])",
        # a win said as a noun, as a shout-out does: "por el cierre con Grupo Herdez"
        r"cierre (?:del contrato |del acuerdo )?con|la firma (?:del contrato )?con",
        # a renewal signed: "Mapfre renueva 2 años más", "renovamos con Iberdrola"
        r"renov(?:amos|e|o|aron|ado|ada|ados|adas)",
        r"renuevan? (?:por )?(?:\d+|un|una|dos|tres|cuatro|cinco) (?:anos?|meses)",
        BORROWED_WIN,
    ),
    strong=_words_for(
        r"cerr\w*|firm\w*|adjudicad[oa]s?|nuev[oa] cliente|venta cerrada|nueva venta",
        BORROWED_WIN,
    ),
    anchor_words=re.compile(
        r"cerr(?:amos|e|o|aron|ado|ada|ados|adas|ao)|firm(?:amos|e|o|aron|ado|ada|ados|adas|ao)|"
        r"gan(?:amos|e|o|aron|ado|ada|ao)|adjudicad[oa]s?|adjudicaron|closed|signed|"
        r"renov(?:amos|e|o|aron|ado|ada|ados|adas)|renuevan?"
    ),
    anchor_phrases=_phrases(
        "nuevo cliente",
        "nueva cliente",
        "es cliente",
        "ya cliente",
        "nuestro cliente",
        "nuestra cliente",
        "oportunidad ganada",
        "negocio ganado",
        "trato ganado",
        "nueva venta",
        "presupuesto aceptado",
        "cotizacion aceptada",
        "propuesta aceptada",
        "oferta aceptada",
        "orden de compra recibida",
        "cierre con",
        "firma con",
    ),
    not_yet=_words_for(
        r"no|nunca|todavia|aun|vamos a|va a|van a|voy a|a punto de|ojala|espero|esperamos",
        r"casi|si|cuando|pendiente|falta|faltan|cruzo los dedos|cruzamos los dedos",
        r"de palabra|verbal|verbalmente|deberiamos|podriamos|quizas|quiza|tal vez",
        r"(?:cerr|firm|gan)(?:are|ara|aremos|aran|aria|ariamos|arian|emos|en|ar)",
        r"prevision|pipeline|objetivo",
    ),
    later=_words_for(
        r"(?<!esta )(?<!la )manana|pasado manana|la semana que viene|la proxima semana",
        r"la semana proxima",
        r"el mes que viene|el proximo mes|pronto|antes de fin de mes|esta tarde",
        rf"el (?:{WEEKDAYS_ES})|(?:{WEEKDAYS_ES}) que viene",
    ),
    lost=_words_for(
        r"perd(?:imos|emos|ido|ida|io|ieron)|se fueron con|eligieron (?:otra|otro|a la)",
        r"nos descartaron|cancelad[oa]|cancelaron|se cayo|no hubo trato",
        # signed, but with a competitor: "firmaron con la competencia"
        r"(?:con|por) la competencia|(?:con|por) (?:un|otro|el|nuestro) competidor",
    ),
    not_a_sale=_words_for(
        r"(?:ticket|caso|incidencia|tarea|solicitud|oficina|tienda|local|sprint|bug|hilo|"
        r"encuesta|votacion|consulta|reclamo|chamado)s?\b[^.;!?]{0,40}\bcerrad[oa]s?",
        r"cerrad[oa]s? (?:por|hasta|el lunes|los domingos|por vacaciones)",
        r"(?:su|mi|tu) contrato|nuev[oa] (?:comercial|companer[oa]|colega|vendedor[a]?|sdr|ae)",
        # the month's or year's books closed, not a sale: "Cerramos noviembre con 214.000 €"
        rf"cerr\w* (?:el |la )?(?:mes|trimestre|semestre|ano|ejercicio|q[1-4]|{MONTHS_ES})\b",
        r"(?:alquiler|arrendamiento) de (?:la |las |nuestra |nuestras )?(?:nuevas? )?"
        r"(?:oficina|oficinas)",
        r"acta de (?:entrega|recepcion|conformidad|cierre)",  # work delivered, signed off
    ),
    documents=_words_for(
        r"nda|acuerdo de confidencialidad|carta de intenciones|loi|memorando de entendimiento"
    ),
    pending=_words_for(
        r"falta(?:n)? (?:la )?firma|pendiente de (?:la )?firma|falta firmar|sin firmar",
        r"a la espera de (?:la )?firma|esperando (?:la )?firma|solo falta",
    ),
    elsewhere=_words_for(
        r"compramos|hemos comprado|prueba gratuita|periodo de prueba|demo gratis",
        r"(?:contratamos|hemos contratado|acabamos de contratar)\b[^.;!?]{0,60}\bpara "
        r"(?:todo |toda )?(?:el |la |nuestro |nuestra )?(?:equipo|area|departamento)",
        r"para (?:todo )?(?:el |nuestro )equipo (?:comercial|de ventas)",
        r"la competencia (?:gano|firmo|cerro)|cumpleanos|premio a|nos dieron el premio",
        r"nuestr[oa] nuev[oa] (?:comercial|companer[oa]|colega|vendedor[a]?)",
        r"pago la factura|pagaron la factura|factura pagada",
        # an award won: "Mejor Campaña Digital en los Premios Lápiz de Oro" (not "premio"
        # alone, which is also an insurance premium in the River Plate)
        r"(?:ganamos|gano|ganaron|nos dieron|recibimos)\b[^.;!?]{0,40}\bpremios?",
        r"(?:en|de) los premios|premios? (?:a la|al|a lo) mejor|galardon\w*|trofeo",
        r"contrato de (?:alquiler|arrendamiento)|(?:alquiler|arrendamiento) de (?:la )?oficina",
        # the team's own tools: "para ser nuestro CRM", "adiós Excel", "todo el pipeline va allí"
        r"(?:para|como) (?:ser )?(?:el |la )?nuestr[oa] (?:nuev[oa] )?(?:crm|erp|herramienta|"
        r"software|sistema|proveedor)|nuestr[oa] nuev[oa] (?:crm|erp|herramienta)",
        r"adios,? (?:al? )?(?:excel|planillas?|hojas? de calculo)",
        r"(?:todo|toda) (?:el|la|nuestro|nuestra) (?:pipeline|crm|facturacion|contabilidad|"
        r"prospeccion) (?:va|pasa|se mueve|se migra|vive)",
        r"se (?:une|suma|incorpora) al equipo",  # a hire whose contract is signed
    ),
    question=re.compile(
        r"\s*(?:¿|alguien\b|sabeis\b|sabes\b|cuando\b|quien\b|por que\b|hay\b|podemos\b)"
    ),
    hints=_words_for(
        r"dijeron que si|nos dieron el (?:ok|si)|aceptaron (?:la|nuestra) propuesta",
        r"tenemos el pedido|orden de compra|lo logramos|es nuestro",
    ),
    sold=_words_for(
        r"contrato|pedido|licencias?|renovacion|anos|meses|licitacion|suscripcion|acuerdo",
        r"venta|negocio|oportunidad|trato|al ano|anual|anuales|mensual",
    ),
    cheer=_words_for(r"enhorabuena|felicidades|genial|por fin|lo logramos|vamos|brutal"),
    unsettled=_words_for(
        r"borrador|a traves de (?:un |nuestro )?socio|no publicar",
        # we signed with someone for our own back office: the team buying, or a sale?
        r"(?:firmamos|contratamos|cerramos) con [^.;!?]{0,40}\bpara (?:la |el |nuestra |nuestro )?"
        r"(?:facturacion|contabilidad|nomina|crm|erp|prospeccion)",
    ),
    filler=_listed(
        """el la los las un una con de del al a para por nuestro nuestra su sus nuevo nueva
        contrato contratos acuerdo pedido licitacion renovacion venta trato negocio oportunidad
        suscripcion licencia licencias proyecto hoy ayer anoche tambien ya finalmente y
        presupuesto cotizacion orden compra"""
    ),
    linking=_listed(
        """ha han hemos ya es son fue ahora finalmente oficialmente tambien hoy ayer nos
        nuestro nuestra nuevo nueva por fin lo se devuelto devolvio devolvieron enviado
        envio enviaron mandado mando mandaron regresado"""
    ),
    connectors=_listed("de del la las los y e & al"),
    common=_listed(
        """contrato contratos cliente clientes semana mes ano anos hoy manana ayer equipo venta
        ventas trato negocio negocios pedido propuesta oferta acuerdo licencia licencias
        renovacion empresa gracias felicidades enhorabuena nuevo nueva nuestro nuestra el la
        los las un una con del para por que todo todos listo firmado firmada cerrado cerrada
        ganado ganada oportunidad cuenta importe valor etapa organizacion propietario monto
        licitacion lunes martes miercoles jueves viernes enero febrero marzo abril mayo junio
        julio agosto septiembre octubre noviembre diciembre genial vamos buenas buenos dias
        tardes noticias"""
    ),
    welcome=_listed("bienvenido bienvenida bienvenidos bienvenidas"),
    just_did=_words_for(r"acab(?:a|o|e|amos|an|aron|as) de (?:firmar|cerrar|ganar)"),
    purpose=_listed("para"),
    field_keys={
        "customer": _listed("cliente empresa organizacion cuenta compania"),
        "owner": _listed("propietario responsable vendedor comercial"),
        "amount": _listed("valor importe monto total"),
        "stage": _listed("etapa estado fase") | {"etapa del negocio"},
    },
    multipliers={"mil": THOUSAND, "millon": MILLION, "millones": MILLION, "mm": MILLION},
)

PORTUGUESE = Language(
    code="pt_br",
    markers=_listed(
        """com o os do da dos das nao uma um hoje ontem fechamos fechado fechou assinado
        assinamos assinou ganhamos contrato cliente semana que e esta muito mas tambem novo
        nova nosso nossa ja mes ano anos alguem sabe venda negocio obrigado time amanha
        ainda mais pedido parabens vamos agora gente pra bora ate voce voces boleto parcela
        referente valor reais pago paga recebido compensado"""
    ),
    won=_words_for(
        r"fech(?:amos|ei|ou|aram|ado|ada|ados|adas)",
        r"assin(?:amos|ei|ou|aram|ado|ada|ados|adas)",
        r"ganh(?:amos|ei|ou|aram|o|a)",
        r"nov[oa] cliente|(?:agora|ja) e (?:noss[oa] )?(?:nov[oa] )?cliente|e noss[oa] cliente",
        r"negocio (?:ganho|fechado|concluido)|negociacao (?:ganha|concluida)|venda fechada",
        r"fechado e ganho|oportunidade ganha|venda (?:ganha|concluida)|nova venda",
        r"(?:proposta|orcamento) (?:aceit[oa]|assinad[oa])|pedido de compra recebido",
        r"e nosso",
        # a win said as a noun, as a shout-out does: "pelo fechamento com a Natura"
        r"fechamento (?:do contrato )?com|assinatura (?:do contrato )?com",
        r"renov(?:amos|ei|ou|aram|ado|ada|ados|adas)",
        # the bell rung, as sales floors cheer a win: "SINO TOCADO", "bateu o sino"
        r"sino tocado|(?:tocamos|toquei|tocou|batemos|bati|bateu) o sino",
        BORROWED_WIN,
    ),
    strong=_words_for(
        r"fech\w*|assin\w*|nov[oa] cliente|venda fechada|negocio ganho|nova venda",
        r"oportunidade ganha|negocio concluido|sino tocado",
        BORROWED_WIN,
    ),
    anchor_words=re.compile(
        r"fech(?:amos|ei|ou|aram|ado|ada|ados|adas)|assin(?:amos|ei|ou|aram|ado|ada|ados|adas)|"
        r"ganh(?:amos|ei|ou|aram)|closed|signed|renov(?:amos|ei|ou|aram|ado|ada|ados|adas)"
    ),
    anchor_phrases=_phrases(
        "novo cliente",
        "nova cliente",
        "e cliente",
        "nossa cliente",
        "nosso cliente",
        "negocio ganho",
        "negociacao ganha",
        "oportunidade ganha",
        "negocio concluido",
        "venda concluida",
        "nova venda",
        "proposta aceita",
        "orcamento aceito",
        "proposta assinada",
        "fechamento com",
        "assinatura com",
    ),
    not_yet=_words_for(
        r"nao|nunca|ainda|vamos|vai|vao|vou|prestes a|espero|esperamos|tomara|quase",
        r"se|quando|pendente|falta|faltam|torcendo|verbal|verbalmente|deveriamos|talvez",
        r"(?:fech|assin|ganh)(?:ar|aremos|ara|arao|aria|ariamos|armos|em|e)",
        r"previsao|pipeline|meta do",
    ),
    later=_words_for(
        r"amanha|depois de amanha|semana que vem|proxima semana|mes que vem|proximo mes",
        rf"logo mais|em breve|ate o fim do mes|na (?:{WEEKDAYS_PT})|(?:{WEEKDAYS_PT}) que vem",
    ),
    lost=_words_for(
        r"perd(?:emos|i|eu|eram|ido|ida)|escolheram (?:outro|outra|a concorrencia)",
        r"desisti(?:u|ram)|cancelad[oa]|cancelaram|nao rolou|para a concorrencia",
        # signed, but with a competitor: "assinaram com a concorrência"
        r"com a concorrencia|pela concorrencia|com (?:o|um|outro|nosso) concorrente",
    ),
    not_a_sale=_words_for(
        r"(?:chamado|ticket|caso|tarefa|solicitacao|escritorio|loja|sprint|bug|enquete|"
        r"votacao|pedido de suporte)s?\b[^.;!?]{0,40}\bfechad[oa]s?",
        r"fechad[oa]s? (?:para|por causa|na segunda|no feriado|ate)",
        r"(?:seu|meu|teu) contrato|nov[oa] (?:sdr|vendedor[a]?|colega|executiv[oa])",
        # the month's or year's books closed, not a sale: "Fechamos novembro com R$ 1,9 mi"
        rf"fech\w* (?:o |a )?(?:mes|trimestre|semestre|ano|q[1-4]|{MONTHS_PT})\b",
        r"aluguel d[oa]s? (?:nov[oa]s? )?(?:escritorios?|sede|sala)",
        r"termo de (?:aceite|recebimento|entrega|encerramento)",  # work delivered, signed off
    ),
    documents=_words_for(
        r"nda|acordo de confidencialidade|termo de confidencialidade|carta de intencao|loi"
    ),
    pending=_words_for(
        r"falta(?:m)? (?:a )?assinatura|falta assinar|aguardando (?:a )?assinatura",
        r"pendente de (?:a )?assinatura|sem assinatura|so falta",
    ),
    elsewhere=_words_for(
        r"compramos|teste gratis|teste gratuito|periodo de teste|aniversario|premio",
        r"noss[oa] nov[oa] (?:sdr|vendedor[a]?|colega|executiv[oa])",
        r"pagou a fatura|pagaram a fatura|fatura paga|meta de ligacoes",
        # a payment on work already sold: "Boleto da CPFL compensado ... parcela 3/6"
        r"boleto\b[^.;!?]{0,40}\b(?:pago|compensado|liquidado)|referente a parcela",
        r"pagamento (?:recebido|confirmado|compensado)",
        # the team's own tools: "Fechamos com a Gong pra gravar as calls"
        r"(?:pra|para) (?:o |a |todo o |toda a )?(?:nosso |nossa )?(?:time|equipe) "
        r"(?:comercial|de vendas)",
        r"(?:pra|para) (?:a gente|nos) usar",
        r"(?:pra|para) gravar (?:as |nossas )?(?:calls|ligacoes|reunioes)",
        r"(?:pra|para|como) (?:ser )?(?:o |a )?noss[oa] (?:nov[oa] )?(?:crm|erp|ferramenta|"
        r"software|sistema|fornecedor)|noss[oa] nov[oa] (?:crm|erp|ferramenta)",
        r"ninguem mais usa|(?:adeus|chega de|tchau|bye bye),? (?:as? )?(?:planilhas?|excel)",
        # our own offices rented: "Contrato de locação do escritório novo assinado"
        r"contrato de (?:locacao|aluguel)|locacao d[oa]s? (?:nov[oa]s? )?(?:escritorios?|sede)",
        r"(?:entra|chega|se junta) (?:pro|para o|ao|no) (?:nosso )?(?:time|equipe)",
    ),
    question=re.compile(r"\s*(?:alguem\b|quando\b|quem\b|sera que\b|voces sabem\b|por que\b)"),
    hints=_words_for(
        r"disseram sim|deram o ok|escolheram a gente|aceitaram a proposta|bateu a meta",
        r"recebemos o pedido|e nosso|pedido de compra",
    ),
    sold=_words_for(
        r"contrato|pedido|licencas?|renovacao|anos|meses|venda|negocio|assinatura mensal",
        r"por ano|por mes|anual|mensal|proposta",
    ),
    cheer=_words_for(r"parabens|finalmente|bora|sensacional|demais|vamos|e nosso|uhu+"),
    unsettled=_words_for(
        r"rascunho|via parceiro|atraves de (?:um |nosso )?parceiro|nao divulgar",
        r"(?:fechamos|assinamos|contratamos) com [^.;!?]{0,40}\b(?:pra|para) "
        r"(?:a |o |nossa |nosso )?(?:faturamento|contabilidade|folha|crm|erp|prospeccao)",
    ),
    filler=_listed(
        """o a os as um uma com de do da dos das ao para pra por nosso nossa seu sua novo nova
        contrato contratos acordo pedido renovacao venda negocio proposta licenca licencas
        projeto hoje ontem tambem ja finalmente e sucesso orcamento pela pelo"""
    ),
    linking=_listed(
        """ja e foi agora finalmente oficialmente tambem hoje ontem nosso nossa novo nova
        a o as os devolveu devolveram enviou enviaram mandou mandaram"""
    ),
    connectors=_listed("de do da dos das e em & ao aos"),
    common=_listed(
        """contrato contratos cliente clientes semana mes ano anos hoje amanha ontem time equipe
        venda vendas negocio negocios pedido proposta oferta acordo licenca licencas renovacao
        empresa obrigado obrigada parabens novo nova nosso nossa o os as um uma com do da dos
        das para pra que tudo todos fechado fechada assinado assinada ganho ganha valor etapa
        organizacao proprietario responsavel gente pessoal segunda terca quarta quinta sexta
        janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro
        dezembro bom boa dia noticia noticias meta"""
    ),
    welcome=_listed("bem-vindo bem-vinda bem-vindos bem-vindas"),
    just_did=_words_for(r"acab(?:a|ou|ei|amos|aram) de (?:fechar|assinar|ganhar)"),
    purpose=_listed("para pra"),
    field_keys={
        "customer": _listed("cliente empresa organizacao conta"),
        "owner": _listed("proprietario responsavel vendedor"),
        "amount": _listed("valor total"),
        "stage": _listed("etapa fase status") | {"fase do negocio", "etapa do negocio"},
    },
    multipliers={
        "mil": THOUSAND,
        "mi": MILLION,
        "milhao": MILLION,
        "milhoes": MILLION,
        "bi": BILLION,
    },
)

GERMAN = Language(
    code="de",
    markers=_listed(
        """der die das den dem und mit ist wir nicht haben hat heute vertrag kunde kunden woche
        unterschrieben unterzeichnet gewonnen auftrag erhalten zuschlag abgeschlossen neukunde
        endlich bei von fur fuer noch auch schon jetzt ein eine einen uber pro jahr jahre
        naechste nachste morgen bitte danke wer hat jemand glueckwunsch gluckwunsch
        rechnung bezahlt furs fuers im zum zur"""
    ),
    won=_words_for(
        r"unterschrieben|unterzeichnet|gegengezeichnet",
        r"u[nt]n?[dt]erschri(?:be|ebe|eba|ba)",  # Swiss German "hät underschribe"
        r"unterschrift (?:ist )?(?:da|drauf|erfolgt)|unterschrift liegt vor",
        r"(?:auftrag|deal|vertrag|es|das|sache) (?:ist|is) (?:jetzt |nun |endlich )?fix",
        r"eingetutet|sack (?:ist )?(?:zu|zugemacht)|unter dach und fach|in trockenen tuchern",
        r"(?:ist|sind) (?:jetzt |nun |ab sofort |offiziell )?(?:mit )?an bord",
        r"bestellung [^.;!?]{0,40}\b(?:eingegangen|erhalten|bekommen|ausgelost|eingetroffen)",
        r"(?:hat|haben) [^.;!?]{0,40}\bbestellung ausgelost|auftragsbestatigung",
        r"(?:deal|auftrag|vertrag|vergabe) (?:ist )?(?:jetzt |offiziell |endlich |nun )*durch"
        r"(?=\s*(?:[!.:;,]|$))",
        r"(?:deal|auftrag|ausschreibung|projekt|kunden?|vertrag|ausschreibung)[^.;!?]{0,60}"
        r"\bgewonnen|gewonnen",
        r"(?:auftrag|zuschlag|zusage) (?:erhalten|bekommen)|(?:auftrag|zuschlag) [^.;!?]{0,60}"
        r"\berhalten|haben den zuschlag",
        r"abgeschlossen|neukunde|neuer kunde|ist (?:jetzt |nun |ab sofort )?(?:unser )?kunde",
        r"verkaufschance gewonnen|deal gewonnen|ist durch(?=\s*(?:[!.:;]|$))",
        # a win said as a noun, as a shout-out does: "für den Abschluss mit der Stadtwerke"
        r"(?:vertrags)?abschluss mit",
        r"neu (?:dabei|an bord|im kundenstamm)",  # a new logo: "Neu dabei ist Dallmayr"
        # an award or order that has come in: "Der Zuschlag vom Magistrat ist da"
        r"(?:zuschlag|auftrag|bestellung|zusage|unterschrift)\b[^.;!?]{0,40}\b(?:ist|sind) "
        r"(?:jetzt |endlich |nun )?(?:da|eingegangen|eingetroffen)",
        r"(?:auftrag|bestellung)\b[^.;!?]{0,30}\b(?:eingegangen|eingetroffen)",
        BORROWED_WIN,
    ),
    strong=_words_for(
        r"unterschrieben|unterzeichnet|zuschlag|neukunde|abgeschlossen|eingetutet",
        r"sack (?:ist )?(?:zu|zugemacht)",
        r"auftrag (?:erhalten|bekommen)|(?:auftrag|deal) (?:ist|is) fix",
        r"u[nt]n?[dt]erschri(?:be|ebe|eba|ba)",
        BORROWED_WIN,
    ),
    anchor_words=re.compile(
        r"unterschrieben|unterzeichnet|gegengezeichnet|gewonnen|abgeschlossen|neukunde|"
        r"u[nt]n?[dt]erschri(?:be|ebe|eba|ba)|eingetutet|eingegangen|ausgelost|fix|closed"
    ),
    anchor_phrases=_phrases(
        "auftrag erhalten",
        "zuschlag erhalten",
        "auftrag bekommen",
        "zuschlag bekommen",
        "neuer kunde",
        "ist kunde",
        "jetzt kunde",
        "nun kunde",
        "unser kunde",
        "ist durch",
        "erhalten",
        "sack zu",
        "sack zugemacht",
        "an bord",
        "abschluss mit",
        "vertragsabschluss mit",
        "neu dabei",
        "neu dabei ist",
        "neu dabei sind",
        "zuschlag vom",
        "zuschlag von",
        "zuschlag der",
        "zuschlag des",
    ),
    not_yet=_words_for(
        r"nicht|kein|keine|nie|noch nicht|werden|wird|wuerden|wurden bald|hoffentlich|hoffe",
        r"hoffen|fast|beinahe|wenn|falls|sobald|daumen|muendlich|mundlich|zusage|fehlt",
        r"abgesagt",
        r"ausstehend|wartet|warten|vielleicht|soll|sollte|sollen|koennte|konnte|duerfte",
        r"unterschreibt|unterschreiben|abschliessen|schliessen|gewinnen|prognose|pipeline",
    ),
    later=_words_for(
        r"morgen|ubermorgen|uebermorgen|naechste woche|nachste woche|nachsten monat",
        rf"naechsten monat|bald|bis ende|(?:am |ab )?(?:{WEEKDAYS_DE})|demnachst|demnaechst",
    ),
    lost=_words_for(
        r"verloren|storniert|gekundigt|gekuendigt|zur konkurrenz|abgesprungen",
        r"absage|kein auftrag",
        # called off by the customer, not a meeting cancelled in a story ("zwei Termine
        # abgesagt"): "Müller hat abgesagt", "der Auftrag wurde abgesagt"
        r"(?:hat|haben|hatte|hatten) (?:uns )?(?:(?!\w*(?:termin|meeting|call|demo|messe|"
        r"workshop|webinar|besuch|treffen|essen|feier))[^.;!?\s]+ ){0,4}abgesagt",
        r"(?:auftrag|deal|projekt|vertrag|bestellung|zusage) (?:wurde |ist )?abgesagt",
        # signed, but with a competitor: "hat beim Wettbewerb unterschrieben"
        r"beim (?:wettbewerb|wettbewerber|mitbewerber)|bei der konkurrenz|beim konkurrenten",
        r"(?:mit dem|zum|mit einem) (?:wettbewerb|wettbewerber|mitbewerber|konkurrenten)",
        r"mit der konkurrenz",
    ),
    not_a_sale=_words_for(
        r"(?:ticket|fall|anfrage|buero|buro|laden|sprint|bug|aufgabe|umfrage|vorgang)s?\b"
        r"[^.;!?]{0,40}\bgeschlossen",
        r"geschlossen|urlaubsantrag|arbeitsvertrag|neue kollegin|neuer kollege",
        r"unsere neue|unser neuer",
        # our own books, a lease, a project delivered: signed or finished, but no sale
        r"jahresabschluss\w*|steuererklarung\w*|bilanz|mietvertrag\w*|abnahme\w*",
        r"(?:projekt|migration|rollout|umstellung|einfuhrung|schulung|go-live|implementierung)"
        r"\w*\b[^.;!?]{0,50}\b(?:erfolgreich )?abgeschlossen",
        rf"(?:monat|quartal|geschaftsjahr|jahr|{MONTHS_DE})\b[^.;!?]{{0,40}}\babgeschlossen",
    ),
    documents=_words_for(
        r"nda|geheimhaltungsvereinbarung|vertraulichkeitsvereinbarung|absichtserklarung|loi",
        r"absichtserklaerung",
    ),
    pending=_words_for(
        r"unterschrift fehlt|fehlt (?:noch )?(?:die )?unterschrift",
        r"wartet auf (?:die )?unterschrift",
        r"warten auf (?:die )?unterschrift|zur unterschrift|noch nicht unterschrieben",
    ),
    elsewhere=_words_for(
        r"gekauft|testphase|kostenlose[nr]? test|testversion|geburtstag",
        r"\w*(?:preis|award|pokal|wettbewerb|auszeichnung|meisterschaft|turnier) gewonnen",
        # a prize by its name: "den Innovationspreis Baden-Württemberg gewonnen"
        r"(?:den|die|das|einen|eine) \w*(?:preis|award|pokal|auszeichnung|trophae)\b"
        r"[^.;!?]{0,40}\bgewonnen",
        # our own office rented: "Mietvertrag fürs neue Büro unterschrieben"
        r"mietvertrag\w*|pachtvertrag\w*|(?:furs|fuers|fur das|fuer das) neue (?:buro|buero)",
        # the team's own tools: "ab Jänner bitte nur noch dort pflegen", "als unser CRM"
        r"nur noch (?:dort|da|darin|dort drin|in \w+) (?:pflegen|eintragen|erfassen|arbeiten)",
        r"als (?:unser|unsere|unseren) (?:neue[sn]? )?(?:crm|erp|tool|software|system|anbieter)",
        r"(?:tschuss|schluss mit|adieu|bye bye),? (?:mit )?excel",
        r"neue[rn]? (?:account executive|ae|sdr|bdr|kollegin|kollegen|mitarbeiterin|mitarbeiter)",
        r"unsere neue|unser neuer|rechnung [^.;!?]{0,60}bezahlt|hat die rechnung",
        r"bestellung bei\b|bei \w+ bestellt|(?:fur|fuer) (?:das|unser) (?:buro|buero|team)\b",
    ),
    question=re.compile(
        r"\s*(?:wer\b|wann\b|weiss\b|weis\b|wisst\b|gibt es\b|kann\b|koennen\b|konnen\b|"
        r"hat (?:jemand|schon)\b|haben wir\b|ist (?:schon|das)\b)"
    ),
    hints=_words_for(
        r"zusage erhalten|ja gesagt|angebot angenommen|bestellung erhalten|bestellt",
        r"haben uns gewaehlt|haben uns gewahlt|haben sich fuer uns entschieden",
        r"haben sich fur uns entschieden",
    ),
    sold=_words_for(
        r"vertrag|auftrag|lizenz|lizenzen|verlaengerung|verlangerung|jahre|monate|deal",
        r"rahmenvertrag|abo|bestellung|pro jahr|jahrlich|jaehrlich|monatlich|pro monat",
    ),
    cheer=_words_for(
        r"endlich|super|glueckwunsch|gluckwunsch|wahnsinn|toll|klasse|geschafft|juhu|hurra"
    ),
    unsettled=_words_for(r"entwurf|uber (?:einen |unseren )?partner|partnerfirma|nicht posten"),
    filler=_listed(
        """der die das den dem des ein eine einen einem einer mit von vom bei fur fuer an am
        vertrag vertrage auftrag deal zuschlag rahmenvertrag verlangerung verlaengerung
        bestellung projekt heute gestern jetzt endlich auch und unser unsere unseren neuen
        neue neuer ausschreibung vergabe etat aber"""
    ),
    linking=_listed(
        """hat haben ist sind wurde wurden heute gestern jetzt nun endlich auch offiziell
        schon den die das vertrag auftrag deal mit is hut gerade soeben und bereits zugesagt"""
    ),
    connectors=_listed("und & von der die des fur fuer am an im zum zur"),
    common=_listed(
        """vertrag vertrage kunde kunden woche monat jahr jahre heute morgen gestern team deal
        auftrag auftrage angebot abschluss zuschlag rahmenvertrag verlangerung lizenz lizenzen
        firma unternehmen danke glueckwunsch gluckwunsch neu neue neuer neukunde unser unsere
        der die das den dem ein eine einen mit von bei fur und alle endlich super toll phase
        betrag wert besitzer montag dienstag mittwoch donnerstag freitag januar februar marz
        maerz april mai juni juli august september oktober november dezember guten hallo
        wahnsinn ende quartal pipeline bestellung ausschreibung vergabe etat mandant mandanten
        update unterschrift buro buero"""
    ),
    welcome=_listed("willkommen"),
    purpose=_listed("fur fuer"),
    field_keys={
        "customer": _listed("kunde unternehmen firma organisation"),
        "owner": _listed("besitzer verantwortlich vertriebler betreuer"),
        "amount": _listed("betrag wert summe"),
        "stage": _listed("phase dealphase status"),
    },
    multipliers={
        "tsd": THOUSAND,
        "tsd.": THOUSAND,
        "mio": MILLION,
        "mio.": MILLION,
        "millionen": MILLION,
        "mrd": BILLION,
        "mrd.": BILLION,
        "milliarden": BILLION,
    },
)

FRENCH = Language(
    code="fr",
    markers=_listed(
        """le la les des du avec est nous on pas une un aujourd'hui hier signe signee contrat
        cliente semaine matin que c'est l'a tres mais aussi nouveau nouvelle notre nos ce
        cette mois ans an quelqu'un sait pour sur chez dans boite gagne remporte merci equipe
        demain encore bravo felicitations l'equipe avons ont j'ai il elle ils"""
    ),
    won=_words_for(
        r"sign(?:e|ee|es|ees|ent)|c'est signe|signature (?:electronique )?(?:obtenue|faite|recue)",
        r"(?:on a|j'ai|l'a|l'ont|avons|avez|ont) close(?:e|es)?|c'est close",  # "on a closé"
        r"nouvelle commande|commande (?:recue|confirmee|validee)",
        r"(?:bdc|bon de commande) (?:recu|signe)",
        r"(?:devis|proposition|offre) (?:accepte|acceptee|signe|signee)",
        r"gagn(?:e|ee|es|ees)|remport(?:e|ee|es|ees)",
        r"on l'a eu|on l'a|dans la boite|nouveau client|nouvelle cliente",
        r"est (?:officiellement |desormais |maintenant )?(?:notre )?(?:nouveau |nouvelle )?"
        r"client(?:e)?",
        r"opportunite gagnee|deal gagne|affaire (?:signee|gagnee|conclue)|closing|closed won",
        r"fermee gagnee|cloturee gagnee|conclu|transaction gagnee",
        # a win said as a noun, as a shout-out does: "pour la signature avec la Fnac"
        r"signature (?:du contrat |de l'accord )?avec",
        BORROWED_WIN,
    ),
    strong=_words_for(
        r"sign(?:e|ee|es|ees|ent)|dans la boite|nouveau client|nouvelle cliente|closing",
        r"nouvelle commande|(?:bdc|bon de commande) recu|(?:on a|avons|ont) close",
        BORROWED_WIN,
    ),
    anchor_words=re.compile(
        r"sign(?:e|ee|es|ees|ent)|gagn(?:e|ee)|remport(?:e|ee)|closing|conclu|close|closee|"
        r"closed"
    ),
    anchor_phrases=_phrases(
        "l'a eu",
        "la boite",
        "nouveau client",
        "nouvelle cliente",
        "est client",
        "est cliente",
        "officiellement client",
        "officiellement cliente",
        "notre client",
        "notre cliente",
        "opportunite gagnee",
        "deal gagne",
        "nouvelle commande",
        "bdc recu",
        "commande recu",
        "commande recue",
        "transaction gagnee",
        "devis accepte",
        "devis signe",
        "proposition acceptee",
        "offre acceptee",
        "signature avec",
        "cloturee gagnee",
    ),
    not_yet=_words_for(
        r"pas|ne|n'a|n'ont|n'avons|jamais|va|vont|allons|vais|bientot|presque|si|quand",
        r"espere|esperons|j'espere|croisons|croise|verbal|verbalement|attend|attendons",
        r"manque|d'ici|prevu|prevue|devrait|devrions|pourrait|peut-etre",
        r"sign(?:er|era|erons|eront|erait|erions)",
        rf"signe (?:{WEEKDAYS_FR})",
        r"prevision|pipe|pipeline|objectif",
    ),
    later=_words_for(
        r"demain|apres-demain|la semaine prochaine|semaine prochaine|le mois prochain",
        WEEKDAYS_FR,
        r"d'ici (?:la fin|vendredi|lundi)|cet apres-midi|ce soir",
    ),
    lost=_words_for(
        r"perdu|perdue|perdus|perdues|annule|annulee|chez la concurrence|un concurrent",
        r"choisi (?:un autre|une autre|la concurrence)|fermee perdue|c'est mort",
        # signed, but with a competitor: "Colruyt a signé chez le concurrent"
        r"(?:chez|avec|pour) (?:le|un|notre|nos|l'autre) concurrents?|avec la concurrence",
    ),
    not_a_sale=_words_for(
        r"(?:ticket|demande|incident|bureau|magasin|sprint|bug|tache|sondage|dossier sav)s?\b"
        r"[^.;!?]{0,40}\b(?:ferme|fermee|cloture|cloturee)s?",
        r"(?:ferme|fermee|cloture|cloturee)(?! gagnee)",
        r"son contrat|mon contrat|notre nouvelle? (?:commercial|commerciale|collegue|recrue)",
        r"nouvelle commerciale|nouveau commercial",
        # our own offices leased: "Bail signé pour les nouveaux bureaux"
        r"bail\b[^.;!?]{0,40}\b(?:bureaux|locaux)|(?:nos|nouveaux) (?:bureaux|locaux)",
        # work delivered and signed off: "PV de recette signé par Hydro-Québec"
        r"pv de (?:recette|reception|livraison)|proces-verbal|recette (?:signee|validee)",
        rf"(?:clotur|boucl|ferm)\w* (?:le |l')?"
        rf"(?:mois|trimestre|semestre|exercice|annee|{MONTHS_FR})\b",
    ),
    documents=_words_for(r"nda|accord de confidentialite|lettre d'intention|loi"),
    pending=_words_for(
        r"en attente de (?:la )?signature|on attend la signature|attend la signature",
        r"manque la signature|pour signature|il manque",
    ),
    elsewhere=_words_for(
        r"achete|achetes|essai gratuit|periode d'essai|anniversaire|prix de",
        r"notre nouvelle? (?:commercial|commerciale|collegue|recrue)|a paye la facture",
        r"facture payee|ont paye",
        r"(?:pour|a) (?:toute |tout )?(?:l'|notre |nos )(?:equipe|equipes) "
        r"(?:commerciale|de vente|sales)",
        r"commande [^.;!?]{0,60}\bpassee chez|pour (?:le|nos|notre) (?:bureau|bureaux|locaux)",
        r"trophees?|laureat(?:e|s|es)?",  # an award won
        # the team's own tools: "comme notre CRM", "adieu Excel"
        r"(?:comme|pour) (?:notre|nos) (?:nouveau |nouvel |nouvelle )?(?:crm|erp|outil|"
        r"logiciel|fournisseur|prestataire)",
        r"(?:adieu|fini|plus de|bye bye),? (?:les |l')?(?:excel|tableurs?)",
        r"(?:se joint|se joindre|rejoint) (?:a )?(?:l'|notre )equipe",  # a hire's contract
    ),
    question=re.compile(
        r"\s*(?:quelqu'un\b|est-ce que\b|quand\b|qui\b|sais\b|savez\b|on a\b[^.;!?]{0,40}\?)"
    ),
    hints=_words_for(
        r"ont dit oui|feu vert|devis accepte|proposition acceptee|bon de commande recu",
        r"commande recue|c'est fait",
    ),
    sold=_words_for(
        r"contrat|commande|licences?|renouvellement|ans|mois|marche|appel d'offres|abonnement",
        r"affaire|convention|bon de commande|par an|par mois|annuel|mensuel",
    ),
    cheer=_words_for(r"bravo|felicitations|enfin|genial|super|top|youpi|champagne|trop bien"),
    unsettled=_words_for(
        r"brouillon|via (?:un |notre )?partenaire|ne pas diffuser",
        r"(?:on a|nous avons|j'ai) signe (?:avec|chez) [^.;!?]{0,40}\bpour "
        r"(?:la |le |l'|notre |nos )?(?:facturation|compta\w*|paie|tresorerie|crm|erp|prospection)",
    ),
    filler=_listed(
        """le la les l' un une avec de du des d' a au aux pour notre nos son sa leur nouveau
        nouvelle contrat contrats marche appel offres d'offres convention commande bon affaire
        renouvellement abonnement projet aujourd'hui hier enfin aussi et ce matin soir chez
        bdc devis transaction par"""
    ),
    linking=_listed(
        """a ont avons est sont c'est on nous l'a enfin aussi officiellement desormais
        maintenant ce matin aujourd'hui hier le la"""
    ),
    connectors=_listed("de du des la le et & d'"),
    common=_listed(
        """contrat contrats client cliente clients semaine mois an ans annee aujourd'hui demain
        hier equipe affaire affaires commande proposition devis offre accord licence licences
        renouvellement entreprise societe merci bravo felicitations nouveau nouvelle notre nos
        le la les un une avec de du des pour tout tous signe signee gagne montant etape
        proprietaire compte lundi mardi mercredi jeudi vendredi janvier fevrier mars avril mai
        juin juillet aout septembre octobre novembre decembre bonjour salut super top enfin
        boite closing transaction recap"""
    ),
    welcome=_listed("bienvenue"),
    just_did=_words_for(
        r"(?:vient|viens|venons|venez|viennent) de (?:signer|closer|conclure|remporter|gagner)"
    ),
    purpose=_listed("pour"),
    field_keys={
        "customer": _listed("client compte societe entreprise organisation"),
        "owner": _listed("proprietaire responsable commercial"),
        "amount": _listed("montant valeur total"),
        "stage": _listed("etape statut phase") | {"etape de vente"},
    },
    multipliers={
        "m": MILLION,
        "md": BILLION,
        "mds": BILLION,
        "millions": MILLION,
        "million": MILLION,
        "milliards": BILLION,
    },
)

LANGUAGES = (SPANISH, PORTUGUESE, GERMAN, FRENCH)

# What English posts say more than any other language: a post is read in another
# language only when that language's words outnumber these.
ENGLISH_MARKERS = _listed(
    """the and with we our is are was for to of just closed signed won deal contract customer
    new today next week this that it has have they from by after thanks team renewal got
    landed signing closing yesterday their your you i my all been will would on at in an
    congrats huge first year month seats approved created made so be as up client"""
)
WIN_WORD_WEIGHT = 2  # a win word says the language more than an article does
LANGUAGE_SCORE_MIN = 2  # one shared word ("com", "on") is no language
SHARED_WITH_ENGLISH = frozenset(
    {"closing", "closed won", "deal closed", "deal signed", "deal won", "closed", "signed"}
)  # win words French posts borrow
WORD = re.compile(r"[a-z][a-z'-]*")

# Every language's common words, for the name rules: a name is never one of them.
COMMON_WORDS = frozenset().union(*(language.common for language in LANGUAGES))
# Every language's multiplier words ("Mrd", "millones"): an amount's, never a name's.
MULTIPLIER_WORDS = frozenset(
    word.rstrip(".") for language in LANGUAGES for word in language.multipliers
) | {"millon", "milhao", "milhoes", "millones", "mio", "mrd", "tsd"}
# A period's unit in every language ("3 años", "2 Jahre", "12 mois"): never a name's word.
DURATION_WORDS = _listed(
    """ano anos meses semana semanas dias jahr jahre monat monate woche wochen tage annee
    annees ans mois semaines jours"""
)
# CRM stage values in every language: a stage is won or lost whatever the post's language.
WON_STAGE = _words_for(
    r"ganad[oa]|cerrado ganado|ganho|fechado e ganho|fechado|gewonnen|gagnee?|fermee gagnee",
    # a quote the customer accepted, an order confirmed: the sale, as CRMs stage it
    r"aceptad[oa]|aceit[oa]|acceptee?|angenommen|auftrag bestatigt|commande confirmee",
)
LOST_STAGE = _words_for(r"perdid[oa]|perdido|verloren|perdue?|fermee perdue|annulee?|storniert")


def language_of(text: str) -> Language | None:
    """The language a post is written in when it is not English, judged by its words."""
    return _language_of_folded(fold(text)[:4000])


@lru_cache(maxsize=512)
def _language_of_folded(folded: str) -> Language | None:
    words = WORD.findall(folded)
    if not words:
        return None
    english = sum(word in ENGLISH_MARKERS for word in words)
    best, best_score = None, 0
    for language in LANGUAGES:
        score = sum(word in language.markers for word in words)
        said = [win for win in language.won.findall(folded) if win not in SHARED_WITH_ENGLISH]
        said += language.just_did.findall(folded)
        score += WIN_WORD_WEIGHT * len(said)
        if score > best_score:
            best, best_score = language, score
    return best if best_score > english and best_score >= LANGUAGE_SCORE_MIN else None


def field_keys(kind: str) -> tuple[str, ...]:
    """The field names every language's CRMs use for `kind` (customer, owner, amount,
    stage), folded, for reading a CRM post's fields."""
    return tuple(sorted({key for language in LANGUAGES for key in language.field_keys[kind]}))
