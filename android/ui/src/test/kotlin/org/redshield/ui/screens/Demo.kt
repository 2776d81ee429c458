package org.redshield.ui.screens

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasText
import java.nio.file.Path
import org.redshield.core.Business
import org.redshield.core.Case
import org.redshield.core.CaseKind
import org.redshield.core.DemandKind
import org.redshield.core.FieldCore
import org.redshield.core.GeoPosition
import org.redshield.core.NewCase
import org.redshield.core.NewMatter
import org.redshield.core.Person
import org.redshield.ui.desktop.openStore

/** The cases, dispatches and trips the screen tests and snapshots are made of, in a real store. */
object Demo {
    const val OFFICER = "李明"
    const val OFFICER_ID = "HN-12315-0042"
    const val VEHICLE = "湘A·12315"

    /** A store in [dir] (the desktop app's own platform), with [OFFICER] signed in. */
    fun signedIn(dir: Path): FieldCore = openStore(dir).apply { signIn(OFFICER, OFFICER_ID) }

    fun complaint(
        name: String,
        shop: String = "长沙市某某超市",
        goods: String = "酸奶",
        facts: String = "购买的酸奶已过保质期",
        kind: CaseKind = CaseKind.COMPLAINT,
        daysAgo: Int = 0,
    ) = NewCase(
        kind = kind,
        receivedAtMs = if (daysAgo == 0) null else System.currentTimeMillis() - daysAgo * 86_400_000L,
        complainants = listOf(Person(name = name, phone = "+86 138-0731-2233", address = "长沙市天心区书院路 9 号")),
        respondent = Business(name = shop, address = "芙蓉区五一大道 1 号"),
        matter = NewMatter(
            facts = facts,
            goods = goods,
            amountPaidFen = 1280L,
            demands = listOf(DemandKind.REFUND, DemandKind.COMPENSATION),
            demandsText = "退一赔十",
            place = SITE,
        ),
    )

    /** The supermarket on 五一大道, WGS-84. */
    val SITE = GeoPosition(latitude = 28.1942, longitude = 112.9823, accuracyM = 6.5)

    /** A few cases of different kinds, one accepted (its clocks run). */
    fun cases(core: FieldCore): List<Case> = listOf(
        core.openCase(complaint("王芳")),
        core.openCase(complaint("张伟", shop = "长沙市某某电器城", goods = "电热水壶", facts = "新买的电热水壶漏电")),
        core.openCase(complaint("刘洋", shop = "某某健身会所", goods = "年卡", facts = "会所停业不退预付款", kind = CaseKind.REPORT)),
    )
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.hasShown(text: String): Boolean = onAllNodes(hasText(text)).fetchSemanticsNodes().isNotEmpty()

/** Waits (no assertion on how long: a generous bound only) until [text] is on the screen. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.waitForText(text: String) = waitUntil(timeoutMillis = 30_000) { hasShown(text) }
